import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const GUARD = path.join(ROOT, 'scripts', 'check-lock.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lockProblems } = require('../../scripts/check-lock.cjs') as {
  lockProblems: (lock: unknown) => string[];
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { dependenciesStale } = require('../../scripts/setup.cjs') as {
  dependenciesStale: (dir: string) => string | undefined;
};

type Lock = { packages: Record<string, Record<string, unknown>> };

/** A copy of the project's package.json and lock file in a scratch directory. */
function copyProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lock-check-'));
  cpSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  cpSync(path.join(ROOT, 'package-lock.json'), path.join(dir, 'package-lock.json'));
  return dir;
}

function readLock(dir: string): Lock {
  return JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as Lock;
}

function runGuard(dir: string): { status: number | null; stderr: string; stdout: string } {
  const result = spawnSync(process.execPath, [GUARD, '--dir', dir], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('scripts/check-lock.cjs', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyProject();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts the committed lock file (every entry versioned, npm ci --dry-run passes)', () => {
    const result = runGuard(dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/lock check: \d+ entries, npm ci --dry-run accepts it/);
  });

  it('fails on a hand-written entry without a version, naming the entry', () => {
    const lock = readLock(dir);
    lock.packages['node_modules/unrs-resolver/node_modules/@unrs/resolver-binding-win32-x64-msvc'] = {
      optional: true,
    };
    writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2));

    const result = runGuard(dir);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'node_modules/unrs-resolver/node_modules/@unrs/resolver-binding-win32-x64-msvc: no "version"',
    );
  });

  it('fails when npm ci --dry-run refuses the lock (package.json and lock out of sync)', () => {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    pkg.dependencies['is-number'] = '^7.0.0';
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));

    const result = runGuard(dir);

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/npm ci --dry-run fails \(exit \d+\): npm error .*is-number/);
  });

  it('fails on an unreadable lock file, naming the file', () => {
    writeFileSync(path.join(dir, 'package-lock.json'), '{ not json');
    const result = runGuard(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`cannot read ${path.join(dir, 'package-lock.json')}`);
  });
});

describe('lockProblems', () => {
  it('lets links and the root entry through without a version', () => {
    expect(
      lockProblems({
        packages: {
          '': { name: 'x' },
          'node_modules/local': { link: true, resolved: 'packages/local' },
          'node_modules/a': { version: '1.0.0' },
        },
      }),
    ).toEqual([]);
  });

  it('names every bad entry, not only the first', () => {
    expect(
      lockProblems({
        packages: {
          'node_modules/a': {},
          'node_modules/b': { version: '' },
          'node_modules/c': { link: true },
        },
      }),
    ).toEqual([
      expect.stringContaining('node_modules/a: no "version"'),
      expect.stringContaining('node_modules/b: no "version"'),
      'node_modules/c: link without "resolved"',
    ]);
  });

  it('refuses a lock without a packages map', () => {
    expect(lockProblems({ lockfileVersion: 1 })).toEqual([expect.stringContaining('no "packages" map')]);
  });
});

describe('scripts/setup.cjs: when npm ci is needed', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'setup-'));
    writeFileSync(path.join(dir, 'package-lock.json'), '{}');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when node_modules is missing', () => {
    expect(dependenciesStale(dir)).toBe('node_modules is missing');
  });

  it('when the lock file changed after the last install', () => {
    mkdirSync(path.join(dir, 'node_modules'));
    writeFileSync(path.join(dir, 'node_modules', '.package-lock.json'), '{}');
    const past = new Date(Date.now() - 60_000);
    utimesSync(path.join(dir, 'node_modules', '.package-lock.json'), past, past);
    expect(dependenciesStale(dir)).toBe('package-lock.json is newer than node_modules');
  });

  it('not when the install is newer than the lock file', () => {
    mkdirSync(path.join(dir, 'node_modules'));
    const past = new Date(Date.now() - 60_000);
    utimesSync(path.join(dir, 'package-lock.json'), past, past);
    writeFileSync(path.join(dir, 'node_modules', '.package-lock.json'), '{}');
    expect(dependenciesStale(dir)).toBeUndefined();
  });
});
