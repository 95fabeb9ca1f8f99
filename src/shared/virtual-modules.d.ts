// Modules a Vite plugin makes at build time (see scripts/vite-webllm-catalog.mjs).
declare module 'virtual:webllm-catalog' {
  import type { AppConfig } from '@mlc-ai/web-llm';
  /** web-llm's prebuiltAppConfig, as the installed web-llm has it. */
  const catalog: AppConfig;
  export default catalog;
}
