import * as path from 'node:path';
import { build } from 'esbuild';
import { LAMBDAS, type Permission } from '../../../lambdas/catalog';

const ROOT = path.resolve(__dirname, '../../..');

/** The SDK client package each permission of the catalog needs; a bundle should carry no other. */
const CLIENT_OF: Partial<Record<Permission, string | readonly string[]>> = {
  'lock-table': '@aws-sdk/client-dynamodb',
  'lock-holder': ['@aws-sdk/client-dynamodb', '@aws-sdk/client-sfn'],
  'ecs-read': '@aws-sdk/client-ecs',
  'ecs-write': '@aws-sdk/client-ecs',
  'ssm-config': '@aws-sdk/client-ssm',
  'collector-config': '@aws-sdk/client-ssm',
  'logs-groups': '@aws-sdk/client-cloudwatch-logs',
  'logs-read': '@aws-sdk/client-cloudwatch-logs',
  'loki-secret': '@aws-sdk/client-secrets-manager',
  'grafana-secret': '@aws-sdk/client-secrets-manager',
  'role-simulate': '@aws-sdk/client-iam',
  'loki-secret-describe': '@aws-sdk/client-secrets-manager',
  'loki-bucket-list': '@aws-sdk/client-s3',
  'vpc-describe': '@aws-sdk/client-ec2',
};

/** Packages a handler's bundle holds, from esbuild's metafile (bundled as infra does). */
async function bundledPackages(file: string): Promise<Set<string>> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [`lambdas/handlers/${file}.ts`],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    write: false,
    metafile: true,
    outfile: 'bundle.js',
    logLevel: 'silent',
  });
  const packages = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1]) packages.add(match[1]);
  }
  return packages;
}

describe('Lambda bundles', () => {
  it.each(LAMBDAS.map((spec) => [spec.id, spec] as const))(
    '%s carries exactly the AWS SDK clients its permissions need, and a YAML parser only to read ADOT configs',
    async (_id, spec) => {
      const packages = await bundledPackages(spec.file);
      const expected = [...new Set(spec.permissions.flatMap((p) => CLIENT_OF[p] ?? []))].sort();
      const clients = [...packages].filter((p) => p.startsWith('@aws-sdk/client-')).sort();
      expect(clients).toEqual(expected);
      // The plan comes decoded; YAML text is only the ADOT collector's config (adot-config-text.ts)
      // and Loki's /config, read by the step that also lists Loki's bucket (core/verify/loki-config).
      const permissions = spec.permissions as readonly Permission[];
      expect(packages.has('yaml')).toBe(
        permissions.includes('collector-config') || permissions.includes('loki-bucket-list'),
      );
      // The plan and event schemas still need zod: a sanity check that the metafile was read.
      expect(packages.has('zod')).toBe(true);
    },
  );
});
