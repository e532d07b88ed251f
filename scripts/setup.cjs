#!/usr/bin/env node
// Makes a fresh clone ready for the README's two commands (`npm run rehearse`, `npm test`), which
// call this first. Plain CommonJS with no dependencies: it runs on whatever Node runs npm, before
// node_modules exists. It prints one line per thing it installs and nothing when all is present.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
// The sandbox runs this binary (sandbox/prometheus/start.ts PROMETHEUS_BINARY).
const PROMETHEUS_BINARY = '/usr/bin/prometheus';
const PROMETHEUS_INSTALL = 'apt-get install -y --no-install-recommends prometheus';

function mtimeMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Why `npm ci` must run, or undefined when node_modules already matches the lock file. */
function dependenciesStale(dir = root) {
  // npm writes node_modules/.package-lock.json at the end of every install: when it is missing the
  // install never finished; when it is older than package-lock.json the lock changed since.
  const installed = mtimeMs(path.join(dir, 'node_modules', '.package-lock.json'));
  if (installed === undefined) return 'node_modules is missing';
  const lock = mtimeMs(path.join(dir, 'package-lock.json'));
  if (lock !== undefined && lock > installed) return 'package-lock.json is newer than node_modules';
  return undefined;
}

/** Runs a command quietly; its output is shown only when it fails, with `hint` in the error. */
function run(command, args, hint, env = process.env) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', env, maxBuffer: 64 << 20 });
  if (result.error || result.status !== 0) {
    process.stderr.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
    const reason = result.error ? result.error.message : `exit ${result.status}`;
    throw new Error(`${command} ${args.join(' ')} failed (${reason}); ${hint}`);
  }
  return { output: `${result.stdout}\n${result.stderr}`, seconds: (Date.now() - started) / 1000 };
}

function ensureDependencies() {
  const why = dependenciesStale();
  if (why === undefined) return;
  // npm's own Node may be older than the product's (node@24 comes from the lock itself), so the
  // engine warnings of this one install are expected; its output is shown only if it fails.
  const { output, seconds } = run(
    'npm',
    ['ci', '--no-audit', '--no-fund', '--loglevel=error'],
    'fix the error above, then run npm ci',
  );
  const added = /added (\d+) packages?/.exec(output);
  const count = added ? `${added[1]} packages` : 'dependencies';
  console.log(`setup: npm ci installed ${count} in ${seconds.toFixed(0)} s (${why})`);
}

function ensurePrometheus() {
  if (fs.existsSync(PROMETHEUS_BINARY)) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `Prometheus is missing (${PROMETHEUS_BINARY}); install it with: sudo ${PROMETHEUS_INSTALL}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const hint = `install Prometheus with: ${PROMETHEUS_INSTALL}`;
  const update = run('apt-get', ['update', '-qq'], hint, env);
  const install = run(
    'apt-get',
    ['install', '-y', '-qq', '--no-install-recommends', 'prometheus'],
    hint,
    env,
  );
  const seconds = (update.seconds + install.seconds).toFixed(0);
  console.log(`setup: apt-get installed the Debian package prometheus in ${seconds} s`);
}

function main() {
  try {
    ensureDependencies();
    ensurePrometheus();
    return 0;
  } catch (error) {
    console.error(`setup: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main();

module.exports = { dependenciesStale };
