#!/usr/bin/env node
// The CLI runs from TypeScript source through tsx, so a fresh `npm ci` is enough: no build step.
// Both hooks are registered: `require` for the CLI's own modules, and the ESM loader for the
// handlers the sandbox loads with dynamic `import()`.
require('tsx/cjs');
require('tsx/esm/api').register();
require('../cli/main.ts');
