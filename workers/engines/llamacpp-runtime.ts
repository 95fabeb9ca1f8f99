/**
 * What the llama.cpp adapter reads around wllama: the worker's GPU and threads before a load, and
 * llama.cpp's own log, kept for placement and failures.
 */
import type * as Wllama from '@wllama/wllama';
import type { ComputeEnvironment } from '../../src/core/llamacpp-compute.js';

/**
 * Log lines kept: a load's (placement, buffers, failures: a 0.5B model's load logs thousands of
 * lines at debug level) and the last replies'.
 */
const LOG_LIMIT = 20_000;

/** llama.cpp's log, newest last, with a running count so that a mark survives dropped lines. */
export class KeptLog {
  private lines: string[] = [];
  private dropped = 0;

  /** A mark for {@link since}: every line ever kept so far. */
  mark(): number {
    return this.dropped + this.lines.length;
  }

  /** The lines kept since `mark` (those dropped since are gone). */
  since(mark: number): string[] {
    return this.lines.slice(Math.max(0, mark - this.dropped));
  }

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > LOG_LIMIT) {
      const excess = this.lines.length - LOG_LIMIT;
      this.lines.splice(0, excess);
      this.dropped += excess;
    }
  }
}

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

/** wllama's logger: llama.cpp's lines are kept in `log`, and warnings still reach the console. */
export function keepingLogger(log: KeptLog): Wllama.WllamaLogger {
  const keep = (line: unknown[]) => log.push(line.map(String).join(' '));
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
