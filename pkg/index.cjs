'use strict';
// The CommonJS entry (`require`, Node): instantiates the wasm module synchronously, so generate()
// works at once. The glue is wasm-bindgen's nodejs target (scripts/build.sh makes it load the same
// _bg.wasm as the ES module glue). The report builders and the file-writing helpers are ES modules:
// `await import('smartspec-data-migration-generator/node')`.

let glue;
try {
  glue = require('./wasm/smartspec_data_migration_generator.cjs');
} catch (e) {
  if (e && (e.code === 'ENOENT' || e.code === 'MODULE_NOT_FOUND')) {
    const err = new Error(
      `the generator's wasm module is missing (${e.code}): ${e.path ?? `${__dirname}/wasm`}; build it with scripts/build.sh`,
    );
    err.code = 'wasm_missing';
    err.cause = e;
    throw err;
  }
  throw e;
}
const wasm = glue.__wasm;

exports.generate = glue.generate;
exports.version = glue.version;
exports.riskCodes = glue.riskCodes;
// For code shared with browsers: the module is ready already.
exports.init = function init() {
  return Promise.resolve(wasm);
};
exports.initSync = function initSync() {
  return wasm;
};
