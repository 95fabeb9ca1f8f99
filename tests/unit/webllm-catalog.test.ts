/**
 * The web-llm catalog the worker lists without importing web-llm: the build's snapshot is
 * web-llm's own prebuiltAppConfig, and a model counts as stored exactly when web-llm would say so
 * (its tensor-cache manifest and every shard it lists are in `webllm/model`).
 */
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import catalog from 'virtual:webllm-catalog';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { webLlmModelStored } from '../../workers/storage/webllm-store.js';

const MODEL = 'https://host.test/mlc-ai/M-MLC/resolve/main/';

/** A Cache API with one scope, enough for the check. */
function fakeCaches(entries: Record<string, unknown>) {
  const responses = new Map(Object.entries(entries).map(([url, body]) => [url, JSON.stringify(body)]));
  const cache = {
    match: async (url: string) => (responses.has(url) ? new Response(responses.get(url)) : undefined),
    keys: async () => [...responses.keys()].map((url) => new Request(url)),
  };
  return { has: async (scope: string) => scope === 'webllm/model', open: async () => cache };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('virtual:webllm-catalog', () => {
  it("is web-llm's prebuiltAppConfig, every model", () => {
    expect(catalog).toEqual(JSON.parse(JSON.stringify(prebuiltAppConfig)));
    expect(catalog.model_list.length).toBeGreaterThan(100);
  });
});

describe('webLlmModelStored', () => {
  const manifest = { records: [{ dataPath: 'params_shard_0.bin' }, { dataPath: 'params_shard_1.bin' }] };

  it('is true only when the manifest and every shard it lists are stored', async () => {
    vi.stubGlobal(
      'caches',
      fakeCaches({
        [`${MODEL}tensor-cache.json`]: manifest,
        [`${MODEL}params_shard_0.bin`]: 0,
        [`${MODEL}params_shard_1.bin`]: 1,
      }),
    );
    expect(await webLlmModelStored(MODEL)).toBe(true);

    vi.stubGlobal('caches', fakeCaches({ [`${MODEL}tensor-cache.json`]: manifest, [`${MODEL}params_shard_0.bin`]: 0 }));
    expect(await webLlmModelStored(MODEL)).toBe(false);

    vi.stubGlobal('caches', fakeCaches({ [`${MODEL}params_shard_0.bin`]: 0, [`${MODEL}params_shard_1.bin`]: 1 }));
    expect(await webLlmModelStored(MODEL)).toBe(false);
  });

  it('is false without a Cache API', async () => {
    vi.stubGlobal('caches', undefined);
    expect(await webLlmModelStored(MODEL)).toBe(false);
  });
});
