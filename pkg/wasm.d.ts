// `smartspec-data-migration-generator/wasm`: the WebAssembly module itself. Bundlers deliver a
// `.wasm` file as an asset: Vite (`…/wasm?url`) and webpack 5 (`type: 'asset/resource'`) give its
// URL, which `init({ module_or_path })` fetches; hosts that read the file themselves pass its
// bytes to `initSync({ module })`.

declare const url: string;
export default url;
