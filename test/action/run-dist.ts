import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './inputs-fixture';

export interface DistRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** name -> value, parsed from the GITHUB_OUTPUT file. */
  readonly outputs: Record<string, string>;
  readonly summary: string;
}

/** Reads the runner's `name<<delimiter` file-command format. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!match?.[1] || !match[2]) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i] ?? '');
    outputs[match[1]] = value.join('\n');
  }
  return outputs;
}

/**
 * Runs the built action/dist/index.js the way the runner does: inputs as INPUT_* variables (names
 * kept with their hyphens), outputs and summary through the GITHUB_OUTPUT and GITHUB_STEP_SUMMARY
 * files, the workspace as GITHUB_WORKSPACE.
 */
export async function runDist(
  inputs: Record<string, string>,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<DistRun> {
  const dir = mkdtempSync(join(tmpdir(), 'alloy-rollout-action-'));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  );
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          [join(REPO_ROOT, 'action', 'dist', 'index.js')],
          {
            cwd: dir,
            env: {
              PATH: process.env['PATH'] ?? '',
              GITHUB_WORKSPACE: REPO_ROOT,
              GITHUB_OUTPUT: outputFile,
              GITHUB_STEP_SUMMARY: summaryFile,
              AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
              AWS_SECRET_ACCESS_KEY: 'example-secret',
              AWS_EC2_METADATA_DISABLED: 'true',
              ...inputEnv,
              ...env,
            },
            timeout: timeoutMs,
          },
          (error, out, err) =>
            resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: out, stderr: err }),
        );
      },
    );
    return {
      exitCode: code,
      stdout,
      stderr,
      outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
      summary: readFileSync(summaryFile, 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
