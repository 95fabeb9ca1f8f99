import { defineConfig } from 'vite';

/**
 * The library build: `dist/lib/edge-llm.js`, one ES module for a script tag or an npm import,
 * with the worker, engine chunks and ONNX Runtime files beside it, loaded lazily and located
 * relative to the module (so a page on another origin can load it).
 *
 * Not Vite's library mode: that inlines every asset, which would put ONNX Runtime's 27 MB
 * WebAssembly into the JavaScript as base64.
 */
export default defineConfig({
  base: './',
  publicDir: false,
  build: {
    outDir: 'dist/lib',
    target: 'es2022',
    sourcemap: true,
    emptyOutDir: true,
    manifest: true,
    chunkSizeWarningLimit: 8000,
    rollupOptions: {
      input: 'src/lib.ts',
      preserveEntrySignatures: 'strict',
      output: {
        entryFileNames: 'edge-llm.js',
        // One chunk for everything the entry shares with lazily loaded chunks (the benchmark,
        // the crash report). Left to itself the bundler makes one small chunk per combination of
        // importers, and a page pays gzip and module overhead on each. Persistence code and the
        // saved-conversation formats are left out: only lazy chunks share them, and pages that do
        // not persist never load them.
        codeSplitting: {
          groups: [
            {
              name: 'shared',
              minShareCount: 2,
              test: (id: string) =>
                !/[\\/]src[\\/](persistence[\\/](?!crash-markers-key)|core[\\/](saved-conversation|conversation-(index|file|search))\.ts)/.test(
                  id,
                ),
            },
          ],
        },
      },
    },
  },
  worker: { format: 'es' },
});
