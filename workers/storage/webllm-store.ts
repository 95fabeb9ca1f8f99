/**
 * web-llm's stored weights, read without web-llm: its Cache API layout, so the catalog can mark
 * stored models before (and without) the 6 MB runtime being downloaded.
 */

/** web-llm's Cache API scope for tensor-cache manifests and weight shards. */
const MODEL_SCOPE = 'webllm/model';

interface TensorCacheManifest {
  records?: { dataPath?: unknown }[];
}

/**
 * Whether every weight shard of the model folder `modelUrl` is stored: web-llm's own
 * `hasModelInCache` (Cache API backend), which reads the stored `tensor-cache.json` and checks
 * that each shard it lists is in the scope.
 */
export async function webLlmModelStored(modelUrl: string): Promise<boolean> {
  if (!globalThis.caches || !(await caches.has(MODEL_SCOPE))) return false;
  try {
    const cache = await caches.open(MODEL_SCOPE);
    const manifest = await cache.match(new URL('tensor-cache.json', modelUrl).href);
    if (!manifest) return false;
    const records = ((await manifest.json()) as TensorCacheManifest).records ?? [];
    const stored = new Set((await cache.keys()).map((request) => request.url));
    return records.every(
      (record) => typeof record.dataPath === 'string' && stored.has(new URL(record.dataPath, modelUrl).href),
    );
  } catch {
    return false;
  }
}
