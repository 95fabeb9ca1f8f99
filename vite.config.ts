import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    target: 'es2022',
    manifest: true,
    sourcemap: true,
    // web-llm alone is ~6 MB; it is lazy-loaded inside the worker only.
    chunkSizeWarningLimit: 8000,
    rollupOptions: { input: { main: 'index.html', embed: 'embed.html' } },
  },
  worker: {
    format: 'es',
  },
  preview: {
    host: '127.0.0.1',
  },
});
