// Names for the engines' runtime chunks (types in runtime-chunks.d.mts), so the service worker
// can tell them from the app shell by name (src/core/app-assets.ts reads the same names).
const RUNTIMES = [
  ['webllm-runtime', /[\\/]node_modules[\\/]@mlc-ai[\\/]web-llm[\\/]/],
  ['transformers-runtime', /[\\/]node_modules[\\/]@huggingface[\\/]transformers[\\/]/],
  ['llamacpp-runtime', /[\\/]node_modules[\\/]@wllama[\\/]wllama[\\/]/],
];

// `import url from '...wasm?url'` puts a stub module (the file's URL) into the importing chunk:
// the engine's adapter, which belongs to the shell. The file it names is its own asset.
const ASSET_URL = /\?url$/;

/** The runtime name of a chunk made of these modules, or undefined for any other chunk. */
export function runtimeChunkName(moduleIds) {
  const code = moduleIds.filter((id) => !ASSET_URL.test(id));
  for (const [name, pattern] of RUNTIMES) if (code.some((id) => pattern.test(id))) return name;
  return undefined;
}
