'use strict';
// A stand-in for the module the Azure Functions Node.js worker injects. Placed on NODE_PATH, it is
// what @azure/functions requires; it records what the host would receive instead of sending it.
const registrations = [];
let programmingModel;
module.exports = {
  registrations,
  get programmingModel() {
    return programmingModel;
  },
  setProgrammingModel(model) {
    programmingModel = model;
  },
  getProgrammingModel() {
    return programmingModel;
  },
  registerFunction(metadata, callback) {
    registrations.push({ metadata, hasCallback: typeof callback === 'function' });
    return { dispose() {} };
  },
  registerHook() {
    return { dispose() {} };
  },
  log() {},
};
