import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { LAMBDAS } from '../lambdas/catalog';
import { emptyProcessMedianMs, medianLoad, type LoadTiming } from './load-time';
import { bytesByPackage, type PackageBytes } from './package-breakdown';

export interface BundleFigure {
  readonly name: string;
  readonly source: string;
  /** Absent when the source does not exist yet (the figure says so instead of failing the run). */
  readonly bytes?: number;
  readonly gzipBytes?: number;
  readonly load?: LoadTiming;
  /** Where the bytes come from (Lambda bundles; the Action bundle is not minified, see scripts/build-action.ts). */
  readonly largestPackages?: readonly PackageBytes[];
  readonly missing?: string;
}

export interface BundlesResult {
  readonly method: string;
  readonly nodeBinary: string;
  readonly emptyProcessMedianMs: number;
  readonly lambdas: readonly BundleFigure[];
  readonly action: BundleFigure;
}

export const ACTION_BUNDLE = 'action/dist/index.js';

/**
 * The options infra's NodejsFunction passes to esbuild (infra/lambda-functions.ts): bundle, node
 * platform, node24, minified CJS, no source map, AWS SDK bundled in.
 */
async function bundleLambda(
  root: string,
  entry: string,
): Promise<{ bytes: Buffer; largestPackages: PackageBytes[] }> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    write: false,
    metafile: true,
    outfile: 'bundle.js',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  const meta = Object.values(result.metafile.outputs)[0];
  if (!file || !meta) throw new Error(`esbuild produced no output for ${entry}`);
  return { bytes: Buffer.from(file.contents), largestPackages: bytesByPackage(meta.inputs) };
}

async function measure(
  name: string,
  source: string,
  file: string,
  bytes: Buffer,
  nodeBinary: string,
  runs: number,
): Promise<BundleFigure> {
  await writeFile(file, bytes);
  return {
    name,
    source,
    bytes: bytes.length,
    gzipBytes: gzipSync(bytes).length,
    load: medianLoad(nodeBinary, file, runs),
  };
}

export async function benchBundles(root: string, nodeBinary: string, runs: number): Promise<BundlesResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'alloy-rollout-bench-'));
  try {
    const lambdas: BundleFigure[] = [];
    for (const spec of LAMBDAS) {
      const source = `lambdas/handlers/${spec.file}.ts`;
      if (!existsSync(path.join(root, source))) {
        lambdas.push({ name: spec.id, source, missing: `${source} does not exist in this checkout` });
        continue;
      }
      const { bytes, largestPackages } = await bundleLambda(root, source);
      lambdas.push({
        ...(await measure(spec.id, source, path.join(dir, `${spec.file}.js`), bytes, nodeBinary, runs)),
        largestPackages,
      });
    }
    const actionPath = path.join(root, ACTION_BUNDLE);
    const action: BundleFigure = existsSync(actionPath)
      ? await measure(
          'Action',
          ACTION_BUNDLE,
          path.join(dir, 'action.js'),
          await readFile(actionPath),
          nodeBinary,
          runs,
        )
      : {
          name: 'Action',
          source: ACTION_BUNDLE,
          missing: `${ACTION_BUNDLE} does not exist; run npm run build:action`,
        };
    return {
      method:
        'Each Lambda handler bundled with esbuild as infra/lambda-functions.ts does (bundle, platform node, target node24, minify, cjs, AWS SDK bundled); ' +
        'the Action bundle is the committed action/dist/index.js. Bytes raw and gzip (zlib default level). ' +
        `Load time: median over ${runs} fresh Node processes of the time \`require(bundle)\` takes inside the process (process start excluded); ` +
        'processMedianMs is spawn to exit. The Action bundle starts run() on load and, with no inputs in its environment, fails its input parsing at once: that is included.',
      nodeBinary,
      emptyProcessMedianMs: emptyProcessMedianMs(nodeBinary, runs),
      lambdas,
      action,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
