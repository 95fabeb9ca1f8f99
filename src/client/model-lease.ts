/**
 * A model without an element, for pages that generate text themselves: the lease is on the same
 * pooled worker, and so the same loaded model, that a `<edge-llm-chat>` with this engine, model
 * and device uses. It is also how the cost of the chat's UI is measured: the same worker with
 * and without the chat drawing the reply (scripts/bench-overhead.mjs).
 */
import { modelKey, type ModelKey } from '../core/model-key.js';
import type { EngineLease } from './engine-pool.js';
import { enginePool } from './shared-client.js';

/**
 * Holds `key`'s model: `load()` it (a chat that already loaded it shares its copy), `generate()`,
 * and `release()` when done; the worker ends when nothing holds it any more.
 *
 * @example
 * const lease = leaseModel({ engine: 'transformers', model: 'https://models.example/SmolLM2-135M-Instruct@q4', device: 'webgpu' });
 * await lease.load(() => {});
 * const stats = await lease.generate({ messages: [{ role: 'user', content: 'Hi' }], maxTokens: 32, temperature: 0 }, (batch) => log(batch.text));
 * lease.release();
 */
export function leaseModel(key: ModelKey): EngineLease {
  return enginePool().acquire(modelKey(key));
}
