// Names for the engines' runtime chunks (types in runtime-chunks.d.mts), so the service worker
// can tell them from the app shell by name (src/core/app-assets.ts reads the same names).
const RUNTIMES = [
  ['webllm-runtime', /[\\/]node_modules[\\/]@mlc-ai[\\/]web-llm[\\/]/],
  ['transformers-runtime', /[\\/]node_modules[\\/]@huggingface[\\/]transformers[\\/]/],
];

/** The runtime name of a chunk made of these modules, or undefined for any other chunk. */
export function runtimeChunkName(moduleIds) {
  for (const [name, pattern] of RUNTIMES) if (moduleIds.some((id) => pattern.test(id))) return name;
  return undefined;
}
