// The browser and bundler entry: the wasm module (call `init()` or `initSync({module})` first) and
// the pure builders of the generator's own report. No file system access; Node users get a
// ready-to-use module from `smartspec-data-migration-generator/node`.

export { default, default as init, initSync, generate, version, riskCodes } from './wasm/smartspec_data_migration_generator.js';
export * from './lib/summary.js';
