/**
 * Where llama.cpp computes, decided before a load and told truthfully after it. Pure.
 *
 * llama.cpp's WebGPU backend needs `shader-f16`; without it, llama.cpp quietly runs every layer
 * on the CPU. So the engine asks for the GPU only where it can work, and after the load reads
 * where each layer really went from llama.cpp's own log ("layer 3 assigned to device CPU"):
 * a CPU run is never reported as a GPU run.
 */
import type { ComputeDevice, ComputeReport } from '../shared/engine-api.js';

/** What the worker knows of its GPU and its threads. */
export interface ComputeEnvironment {
  /** The adapter `navigator.gpu.requestAdapter()` gave, or undefined without one (or without WebGPU). */
  adapter: { features: readonly string[]; isFallbackAdapter: boolean } | undefined;
  webgpu: boolean;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number | undefined;
}

export interface ComputePlan {
  /** Layers offered to the GPU: all of them, or 0 for the CPU. */
  gpuLayers: number;
  threads: number;
  /** Why the CPU, when it is the CPU. */
  deviceReason: string | undefined;
  /** Why fewer threads than asked for, when so. */
  threadReason: string | undefined;
}

/** llama.cpp's "offload every layer". */
export const ALL_LAYERS = 99999;

/** Threads by default: every core but one, for the page and the browser. */
export function defaultThreads(hardwareConcurrency: number | undefined): number {
  return Math.max(1, (hardwareConcurrency ?? 2) - 1);
}

export function planCompute(env: ComputeEnvironment, requested?: ComputeDevice, threads?: number): ComputePlan {
  // What rules the GPU out on this device comes first: it holds whatever was asked for.
  let deviceReason: string | undefined;
  if (!env.webgpu) deviceReason = 'this browser has no WebGPU';
  else if (!env.adapter) deviceReason = 'the browser offered no GPU adapter';
  else if (!env.adapter.features.includes('shader-f16')) {
    deviceReason = `this GPU lacks shader-f16, which llama.cpp's WebGPU backend needs`;
  } else if (requested === 'wasm') {
    deviceReason = env.adapter.isFallbackAdapter
      ? 'this GPU is a software renderer, so the CPU runs models faster'
      : 'the CPU was chosen';
  }
  const wanted =
    threads !== undefined && Number.isInteger(threads) && threads >= 1
      ? threads
      : defaultThreads(env.hardwareConcurrency);
  const isolated = env.crossOriginIsolated;
  return {
    gpuLayers: deviceReason ? 0 : ALL_LAYERS,
    threads: isolated ? wanted : 1,
    deviceReason,
    threadReason:
      !isolated && wanted > 1
        ? 'the page is not cross-origin isolated (COOP/COEP), so WebAssembly threads are unavailable'
        : undefined,
  };
}

/** Layers per device as llama.cpp's load log states them. */
export function layerDevices(log: readonly string[]): Map<string, number> {
  const devices = new Map<string, number>();
  for (const line of log) {
    const match = /layer\s+\d+ assigned to device ([^,\s]+)/.exec(line);
    if (match) devices.set(match[1]!, (devices.get(match[1]!) ?? 0) + 1);
  }
  return devices;
}

/** The thread count llama.cpp states when it starts its thread pool ("n_threads = 2"), if logged. */
export function threadsFromLog(log: readonly string[]): number | undefined {
  let threads: number | undefined;
  for (const line of log) {
    const match = /threadpool init, n_threads = (\d+)/.exec(line);
    if (match) threads = Number(match[1]);
  }
  return threads;
}

/**
 * What really happened, from the plan, llama.cpp's load log and the thread count wllama runs.
 * A layer on any device but "CPU" is on the GPU (WebGPU is the only GPU backend in the build).
 */
export function reportCompute(plan: ComputePlan, log: readonly string[], threads: number): ComputeReport {
  const devices = layerDevices(log);
  const totalLayers = [...devices.values()].reduce((sum, n) => sum + n, 0);
  const gpuLayers = [...devices.entries()].filter(([name]) => name !== 'CPU').reduce((sum, [, n]) => sum + n, 0);
  const reasons: string[] = [];
  let device: ComputeReport['device'] = gpuLayers > 0 ? 'webgpu' : 'cpu';
  if (plan.deviceReason) reasons.push(plan.deviceReason);
  else if (totalLayers === 0) {
    // No placement in the log (a future llama.cpp may word it differently): only the plan is known,
    // and a GPU run that cannot be confirmed is not claimed.
    device = 'cpu';
    reasons.push('llama.cpp did not say where its layers run');
  } else if (gpuLayers === 0) reasons.push('llama.cpp found no usable WebGPU device and put every layer on the CPU');
  else if (gpuLayers < totalLayers)
    reasons.push(`${gpuLayers} of ${totalLayers} layers on the GPU, the rest on the CPU`);
  if (threads < plan.threads) reasons.push(`llama.cpp runs ${threads} thread(s) of the ${plan.threads} asked for`);
  else if (plan.threadReason) reasons.push(plan.threadReason);
  return {
    runtime: 'llama.cpp',
    device,
    threads,
    ...(totalLayers > 0 ? { gpuLayers, totalLayers } : {}),
    ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
  };
}
