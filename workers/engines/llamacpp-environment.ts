/** What the llama.cpp engine reads about its worker before each load: GPU, isolation, cores. */
import type { ComputeEnvironment } from '../../src/core/llamacpp-compute.js';

/** The worker's GPU and threads, read before each load. */
export async function readEnvironment(): Promise<ComputeEnvironment> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: GPU }).gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  return {
    webgpu: Boolean(gpu),
    adapter: adapter
      ? { features: [...adapter.features] as string[], isFallbackAdapter: adapter.info?.isFallbackAdapter ?? false }
      : undefined,
    crossOriginIsolated: Boolean(globalThis.crossOriginIsolated),
    hardwareConcurrency: globalThis.navigator?.hardwareConcurrency,
  };
}
