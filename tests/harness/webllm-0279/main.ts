/**
 * The page of the web-llm 0.2.79 browser test: edge-llm's own engine client and worker (the web-llm
 * adapter, the GPU memory tracker, the token batcher), built by vite.webllm-0279.config.ts with
 * `@mlc-ai/web-llm` resolved to web-llm 0.2.79. No UI: the test drives the client through
 * `window.edgeLlmHarness`, as the chat element would.
 */
import { EngineClient } from '../../../src/client/engine-client.js';
import type { LoadProgress, TokenBatch } from '../../../src/shared/engine-api.js';
import type { HarnessApi } from './harness-api.js';

const client = new EngineClient();

window.edgeLlmHarness = {
  async load(modelId, custom, weights) {
    const progress: LoadProgress[] = [];
    const report = await client.load('webllm', modelId, (step) => void progress.push(step), {
      custom,
      ...(weights ? { weights } : {}),
    });
    return { report, progress };
  },

  async generate(request, stopAfterTokens) {
    const batches: TokenBatch[] = [];
    let stopped = false;
    const stats = await client.generate(request, (batch) => {
      batches.push(batch);
      if (stopAfterTokens !== undefined && !stopped && batch.totalTokens >= stopAfterTokens) {
        stopped = true;
        void client.interrupt();
      }
    });
    return { stats, batches };
  },

  memory: () => client.memory(),
  unload: () => client.unload(),
} satisfies HarnessApi;
