// The browser and bundler entry: initialise the module with `await init()` (or `initSync()` in a
// worker), then call generate(). Node's import and require get entries that are ready at once.

import type { InitOutput } from './generator.js';

export * from './generator.js';
export * from './lib/summary.js';

/** What `init()` can load the module from: its URL, a response, its bytes, or a compiled module. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/** What `initSync()` can instantiate: the module's bytes or a compiled module. */
export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Loads and instantiates the module; by default it fetches the `.wasm` file next to the package's
 * glue (bundlers copy it). Resolves at once when the module is already there.
 */
declare function init(options?: { module_or_path?: InitInput | Promise<InitInput> }): Promise<InitOutput>;
/** @deprecated pass `{ module_or_path }` */
declare function init(moduleOrPath: InitInput | Promise<InitInput>): Promise<InitOutput>;

export default init;
export { init };

/** Instantiates the module synchronously from its bytes or a compiled module (workers, extensions). */
export declare function initSync(options: { module: SyncInitInput }): InitOutput;
/** @deprecated pass `{ module }` */
export declare function initSync(module: SyncInitInput): InitOutput;
