import { defineConfig } from 'vitest/config';
import { webLlmCatalog } from './scripts/vite-webllm-catalog.mjs';

export default defineConfig({
  plugins: [webLlmCatalog()],
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
  },
});
