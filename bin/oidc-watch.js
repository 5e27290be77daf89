#!/usr/bin/env node
'use strict';
// The CLI is bundled by `npm run build` (run automatically by `npm ci` / `npm install` through "prepare").
const { main } = require('../dist/oidc-watch.js');
main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`oidc-watch: ${String(e)}\n`);
    process.exitCode = 2;
  },
);
