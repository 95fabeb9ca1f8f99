/**
 * The engine worker: owns the GPU, runs the engines, and exposes {@link EngineHost} to the page.
 * Engines are imported on first use, so the worker starts small and web-llm loads only when chosen.
 */
import { expose } from 'comlink';
import '../src/shared/comlink-errors.js';
import { isAbortError } from '../src/core/errors.js';
import { EngineHost, type EngineFactories } from './engine-host.js';
import { GpuMemoryTracker } from './gpu/memory-tracker.js';

const tracker = new GpuMemoryTracker();
// Before any engine runs, so every device it creates is measured.
tracker.install();

const factories: EngineFactories = {
  webllm: async () => new (await import('./engines/webllm-engine.js')).WebLlmEngine(),
  transformers: async () => new (await import('./engines/transformers-engine.js')).TransformersEngine(),
  llamacpp: async () => new (await import('./engines/llamacpp-engine.js')).LlamaCppEngine(),
  double: async () => new (await import('./engines/engine-double.js')).EngineDouble(),
};

const host = new EngineHost(factories, tracker);

/** Every failure reaches the console with its original error, then the page. */
const logged = new Proxy(host, {
  get(target, property, receiver) {
    const value = Reflect.get(target, property, receiver) as unknown;
    if (typeof value !== 'function') return value;
    return async (...args: unknown[]) => {
      try {
        return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      } catch (error) {
        if (!isAbortError(error)) console.error(`[edge-llm worker] ${String(property)} failed:`, error);
        throw error;
      }
    };
  },
});

expose(logged);
