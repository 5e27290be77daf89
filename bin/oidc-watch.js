#!/usr/bin/env node
'use strict';
// The CLI is bundled by `npm run build` (run automatically by `npm ci` / `npm install` through "prepare").
// runProcess wires signals (Ctrl-C) and a closed stdout (EPIPE) into a clean stop; see functions/cli/process.ts.
require('../dist/oidc-watch.js').runProcess(process.argv.slice(2));
