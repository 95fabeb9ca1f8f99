/**
 * Will a GGUF model run on this device's CPU? llama.cpp on the CPU holds the whole model, its KV
 * cache and compute buffers in WebAssembly memory, which cannot grow past 4 GiB, and in the
 * device's RAM, shared with everything else. Pure. (On the GPU path the catalog's memory figure
 * is judged like any other engine's by checkFit in fit.ts.)
 */
import type { ModelRecord } from '../shared/engine-api.js';
import { ASSUMED_DEVICE_MEMORY_GB, type FitDevice, type FitResult } from './fit.js';
import { formatMiB } from './format.js';

/** WebAssembly memory llama.cpp can address (wllama's heap), in MiB. */
export const WASM_MEMORY_MB = 4096;
/** Share of system memory a tab can use for a model on the CPU without pushing everything else out. */
const CPU_SHARE_OF_SYSTEM_MEMORY = 0.5;
const COMFORTABLE_SHARE = 0.7;

/** The memory budget for a model on the CPU, in MiB: the smaller of the wasm limit and RAM's share. */
export function cpuBudgetMB(device: Pick<FitDevice, 'deviceMemoryGB'>): { budgetMB: number; assumed: boolean } {
  const assumed = device.deviceMemoryGB === undefined;
  const ramMB = (device.deviceMemoryGB ?? ASSUMED_DEVICE_MEMORY_GB) * 1024 * CPU_SHARE_OF_SYSTEM_MEMORY;
  return { budgetMB: Math.min(WASM_MEMORY_MB, ramMB), assumed };
}

/** Fit verdict for a llama.cpp model on the CPU path. `model.vramMB` is its whole memory need. */
export function checkCpuFit(model: ModelRecord, device: Pick<FitDevice, 'deviceMemoryGB'>): FitResult {
  const { budgetMB, assumed } = cpuBudgetMB(device);
  const base = { budgetMB, budgetIsAssumed: assumed, alternative: undefined };
  const need = formatMiB(model.vramMB);
  if (model.vramMB > WASM_MEMORY_MB) {
    return {
      ...base,
      verdict: 'wont-fit',
      reason: `Needs ${need} on the CPU; WebAssembly memory stops at ${formatMiB(WASM_MEMORY_MB)}.`,
    };
  }
  const budget = `${formatMiB(budgetMB)}${assumed ? ' (assumed: this browser does not report device memory)' : ''}`;
  if (model.vramMB > budgetMB) {
    return {
      ...base,
      verdict: 'wont-fit',
      reason: `Needs ${need} of memory on the CPU; this device has about ${budget}.`,
    };
  }
  if (model.vramMB > budgetMB * COMFORTABLE_SHARE) {
    return {
      ...base,
      verdict: 'tight',
      reason: `Needs ${need} of about ${budget} on the CPU; other tabs may push it out.`,
    };
  }
  return { ...base, verdict: 'fits', reason: `Needs ${need} of about ${budget} on the CPU.` };
}
