// The `alloy-rollout` entry point (bin/alloy-rollout.cjs loads it through tsx): run, then set the exit code.
import { main } from './cli';
import { processIo } from './io';

void main(process.argv.slice(2), processIo()).then((code) => (process.exitCode = code));
