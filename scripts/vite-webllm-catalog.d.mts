// Types of vite-webllm-catalog.mjs.
import type { Plugin } from 'vite';
export declare function webLlmCatalog(): Plugin;
