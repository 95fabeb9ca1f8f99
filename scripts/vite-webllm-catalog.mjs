// A Vite plugin: `virtual:webllm-catalog` is web-llm's prebuiltAppConfig (its model list), read
// from the installed package when the app is built. The worker lists web-llm's models from it, so
// a first visit does not download web-llm's 6 MB runtime just to show the catalog.
const ID = 'virtual:webllm-catalog';
const RESOLVED = `\0${ID}`;

export function webLlmCatalog() {
  return {
    name: 'edge-llm-webllm-catalog',
    resolveId(source) {
      return source === ID ? RESOLVED : undefined;
    },
    async load(id) {
      if (id !== RESOLVED) return undefined;
      const { prebuiltAppConfig } = await import('@mlc-ai/web-llm');
      return `export default ${JSON.stringify(prebuiltAppConfig)};\n`;
    },
  };
}
