#!/usr/bin/env node
// Guards the lock file before anything installs from it: every entry must carry a `version`
// (hand-written entries without one make arborist crash with "Invalid Version" in `npm ci`), and
// `npm ci --dry-run` must accept it. Plain CommonJS, no dependencies: it runs before `npm ci`.
//   node scripts/check-lock.cjs [--dir DIR]     (DIR holds package.json and package-lock.json)
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** Entries of a parsed lock file that npm cannot install from, each with the reason. */
function lockProblems(lock) {
  if (typeof lock !== 'object' || lock === null || typeof lock.packages !== 'object') {
    return ['package-lock.json: no "packages" map (lockfileVersion 2 or 3 expected)'];
  }
  const problems = [];
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (location === '') continue; // the root project itself
    if (typeof entry !== 'object' || entry === null) {
      problems.push(`${location}: entry is not an object`);
    } else if (entry.link === true) {
      if (typeof entry.resolved !== 'string') problems.push(`${location}: link without "resolved"`);
    } else if (typeof entry.version !== 'string' || entry.version === '') {
      problems.push(`${location}: no "version" (hand-written entry? regenerate the lock with npm)`);
    }
  }
  return problems;
}

function npmCiDryRun(dir) {
  const result = spawnSync(
    'npm',
    ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  if (result.error) return [`npm ci --dry-run could not run: ${result.error.message}`];
  if (result.status === 0) return [];
  const errors = `${result.stderr}`
    .split('\n')
    .filter((line) => line.startsWith('npm error') && !line.includes('complete log of this run'));
  return [`npm ci --dry-run fails (exit ${result.status}): ${errors.join(' | ') || 'no message'}`];
}

function main(argv) {
  const at = argv.indexOf('--dir');
  const dir = path.resolve(at >= 0 && argv[at + 1] ? argv[at + 1] : path.join(__dirname, '..'));
  const file = path.join(dir, 'package-lock.json');
  let lock;
  try {
    lock = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`lock check: cannot read ${file}: ${error.message}`);
    return 1;
  }
  const problems = lockProblems(lock);
  if (problems.length === 0) problems.push(...npmCiDryRun(dir));
  if (problems.length > 0) {
    console.error(`lock check: ${file} cannot be installed from:`);
    for (const problem of problems) console.error(`  ${problem}`);
    return 1;
  }
  console.log(`lock check: ${Object.keys(lock.packages).length - 1} entries, npm ci --dry-run accepts it`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { lockProblems };
