/**
 * What the llama.cpp adapter reads around wllama: the worker's GPU and threads before a load, and
 * llama.cpp's own log, kept for placement and failures.
 */
import type * as Wllama from '@wllama/wllama';
import type { ComputeEnvironment } from '../../src/core/llamacpp-compute.js';

/** Log lines kept: the load's (placement, buffers, failures) and the last replies'. */
const LOG_LIMIT = 2000;

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

/** wllama's logger: llama.cpp's lines are kept in `log` (newest last), and warnings still reach the console. */
export function keepingLogger(log: string[]): Wllama.WllamaLogger {
  const keep = (line: unknown[]) => {
    log.push(line.map(String).join(' '));
    if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
  };
  return {
    debug: (...line: unknown[]) => keep(line),
    log: (...line: unknown[]) => keep(line),
    warn: (...line: unknown[]) => {
      keep(line);
      console.warn('[llama.cpp]', ...line);
    },
    error: (...line: unknown[]) => {
      keep(line);
      console.error('[llama.cpp]', ...line);
    },
  };
}
