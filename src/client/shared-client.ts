/**
 * The engine workers of a page. Elements lease loaded models from one pool, so two widgets with
 * the same model never hold two copies of it on the GPU; the app's device probe and catalog
 * listings go through one more client that loads no model.
 */
import type { GpuProbeOptions, GpuProbeReport } from '../shared/engine-api.js';
import { EngineClient, type WorkerFactory } from './engine-client.js';
import { EnginePool } from './engine-pool.js';

let workerFactory: WorkerFactory | undefined;
let catalog: EngineClient | undefined;
let pool: EnginePool | undefined;

/**
 * Sets how engine workers are created (e.g. a host page serving the worker itself).
 * Must be called before the first element starts a worker.
 */
export function setEngineWorkerFactory(factory: WorkerFactory): void {
  workerFactory = factory;
}

/** The client for the device probe and catalogs. */
export function catalogClient(): EngineClient {
  catalog ??= new EngineClient(workerFactory);
  return catalog;
}

/** A client of its own (a benchmark's worker, ended when it is done), started the page's way. */
export function createEngineClient(): EngineClient {
  return new EngineClient(workerFactory);
}

/** The page's pool of loaded models. */
export function enginePool(): EnginePool {
  pool ??= new EnginePool(() => workerFactory);
  return pool;
}

/**
 * Runs the GPU probe in the engine worker, on a GPU device of its own: WGSL kernels for memory
 * bandwidth, f32 (and f16) matmul and a 4-bit mat-vec, each checked against a CPU reference
 * before it is timed. Needs no model; for benchmarkers.
 */
export function probeGpu(options?: GpuProbeOptions): Promise<GpuProbeReport> {
  return catalogClient().probeGpu(options);
}
