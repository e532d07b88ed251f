#!/usr/bin/env node
// The CLI runs from TypeScript source through tsx, so a fresh `npm ci` is enough: no build step.
// Both hooks are registered: `require` for the CLI's own modules, and the ESM loader for the
// handlers the sandbox loads with dynamic `import()`.
//
// The product runs on Node 24 (the Action's node24 runtime). The requirement lives here rather than
// in package.json `engines`, where npm would warn on every command run by an older system Node:
// `npx` and `npm run` put node_modules/.bin first on PATH, and the `node@24` dev dependency puts a
// Node 24 binary there, so this check only stops a direct call with an old `node`.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `alloy-rollout needs Node >= 22 (it targets Node 24), but this is Node ${process.versions.node}. ` +
      'Run it as `npx alloy-rollout ...`, which uses the Node 24 that `npm ci` installs into node_modules/.bin.\n',
  );
  process.exit(2);
}
require('tsx/cjs');
require('tsx/esm/api').register();
require('../cli/main.ts');
