'use strict';
// Loads the compiled function files as the worker would (with the recorder as @azure/functions-core)
// and prints the registrations as JSON. Run with NODE_PATH pointing at functions-core-recorder.
const { readdirSync } = require('node:fs');
const { join } = require('node:path');
const dir = process.argv[2];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.js'))
  .sort())
  require(join(dir, file));
const core = require('@azure/functions-core');
process.stdout.write(
  JSON.stringify({
    model: core.programmingModel && core.programmingModel.name,
    registrations: core.registrations,
  }),
);
