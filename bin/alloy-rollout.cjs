#!/usr/bin/env node
// The CLI runs from TypeScript source through tsx, so a fresh `npm ci` is enough: no build step.
require('tsx/cjs');
require('../cli/main.ts');
