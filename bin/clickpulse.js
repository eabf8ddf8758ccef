#!/usr/bin/env node
'use strict';
// The CLI is compiled TypeScript; `npm ci` builds it (prepare script).
let main;
try {
  ({ main } = require('../dist/src/lib/cli/main.js'));
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND') {
    console.error('clickpulse: not built yet; run `npm run build` first.');
    process.exit(1);
  }
  throw error;
}
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
