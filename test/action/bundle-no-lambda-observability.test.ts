import * as path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The Lambdas' logger and tracer (Powertools, aws-xray-sdk-core and its CLS hooks) belong to the
 * Lambda bundles only: the Action's bundle must not carry them (nothing in action/ imports
 * lambdas/observability), read from esbuild's metafile of the Action's entry point.
 */
it("keeps Powertools and the X-Ray SDK out of the Action's bundle", async () => {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['action/src/index.ts'],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    write: false,
    metafile: true,
    outfile: 'index.js',
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs.some((i) => i.startsWith('action/src/'))).toBe(true);
  expect(inputs.filter((i) => /aws-xray-sdk|@aws-lambda-powertools|lambdas\/observability/.test(i))).toEqual(
    [],
  );
});
