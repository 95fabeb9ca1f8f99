/**
 * The GPU probe's part of the worker contract (see engine-api.ts, which re-exports it): its
 * options and its report, plain structured-clone data.
 */
import type { DeviceReport } from './engine-api.js';

/** Sizes for `EngineWorkerApi.probeGpu` (engine-api.ts); every field is optional. */
export interface GpuProbeOptions {
  /** Timed runs per kernel, after one warm-up run. Default 5. */
  runs?: number;
  /** Bytes of the bandwidth kernel's source buffer (the same again are written). Default 64 MiB. */
  bandwidthBytes?: number;
  /** M = N = K of the matmuls. Default 512. */
  matmulSize?: number;
  /** Rows (outputs) of the 4-bit mat-vec. Default 4096. */
  matvecRows?: number;
  /** Columns (K, a multiple of 32) of the 4-bit mat-vec. Default 4096. */
  matvecCols?: number;
}

/**
 * Median and 10th/90th percentiles (linear interpolation) of repeated measurements, and how many
 * there were: the one summary every figure edge-llm reports uses (NaN figures when n is 0).
 */
export interface SampleSummary {
  median: number;
  p10: number;
  p90: number;
  n: number;
}

/** A kernel's output compared with the CPU reference, on a small size before it is timed. */
export interface ProbeCheck {
  passed: boolean;
  /** Largest absolute difference from the reference. */
  maxError: number;
  /** Largest difference relative to the reference value (where it is not zero). */
  maxRelativeError: number;
  /** Element i passes when |gpu - cpu| <= absolute + relative * |cpu|. */
  tolerance: { absolute: number; relative: number };
  /** The size that was checked, e.g. "37x29x53". */
  size: string;
}

export type ProbeKernelId = 'bandwidth' | 'copy' | 'matmulF32' | 'matmulF16' | 'matvecQ4';

/**
 * One kernel's result. Speeds are present only when `status` is "ok": a kernel that failed its
 * check, was skipped or threw reports no speed.
 */
export interface ProbeKernelResult {
  status: 'ok' | 'check-failed' | 'skipped' | 'error';
  /** Why it was skipped or what went wrong. */
  reason?: string;
  /** The timed size, e.g. "67108864 bytes" or "512x512x512". */
  size: string;
  check?: ProbeCheck;
  /** How runs were timed: wall clock from submit to `queue.onSubmittedWorkDone()`. */
  timer?: 'wall-clock';
  /** Milliseconds per run. */
  ms?: SampleSummary;
  /** Bytes read plus bytes written per second, in GB/s (10^9 bytes). */
  gbPerSecond?: SampleSummary;
  /** Floating-point operations per second, in GFLOP/s (2*M*N*K for a matmul). */
  gflopPerSecond?: SampleSummary;
}

/** What `EngineWorkerApi.probeGpu` (engine-api.ts) returns: plain structured-clone data. */
export interface GpuProbeReport {
  schema: 'edge-llm/probe@2';
  adapter: Pick<DeviceReport, 'vendor' | 'architecture' | 'device' | 'description' | 'isFallbackAdapter' | 'features'>;
  /** The options after defaults were applied. */
  options: Required<GpuProbeOptions>;
  kernels: Record<ProbeKernelId, ProbeKernelResult>;
  /** Median bandwidth-kernel GB/s over median copyBufferToBuffer GB/s; undefined unless both ran. */
  kernelToCopyRatio: number | undefined;
  durationMs: number;
}
