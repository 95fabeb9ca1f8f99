/**
 * Will this model run on this device? Decided before a single byte is downloaded.
 *
 * WebGPU does not say how much memory a GPU has, so the budget is estimated from what the
 * browser does say: `navigator.deviceMemory` (system RAM, which integrated GPUs share) and the
 * adapter's buffer limits. The estimate is deliberately conservative: a wrong "fits" costs the
 * visitor a multi-gigabyte download and a lost GPU device.
 */
import type { DeviceReport, ModelRecord } from '../shared/engine-api.js';
import { f32Twin, quantizationNeedsF16, shortContextTwin } from './catalog.js';
import { formatMiB as formatMB } from './format.js';

export type FitVerdict = 'fits' | 'tight' | 'wont-fit' | 'needs-f16';

export interface FitResult {
  verdict: FitVerdict;
  /** One sentence a visitor understands. */
  reason: string;
  /** A better variant for this device, when the catalog has one. */
  alternative: ModelRecord | undefined;
  /** The memory budget the verdict was measured against, in MiB. */
  budgetMB: number;
  budgetIsAssumed: boolean;
}

/** The part of a {@link DeviceReport} the fit check reads. */
export type FitDevice = Pick<DeviceReport, 'features' | 'limits' | 'deviceMemoryGB' | 'isFallbackAdapter'>;

/** When the browser hides system memory (Firefox, Safari), assume a modest laptop. */
export const ASSUMED_DEVICE_MEMORY_GB = 4;
/** Share of system memory a browser tab can expect to get on the GPU. */
const GPU_SHARE_OF_SYSTEM_MEMORY = 0.5;
/** Below this share of the budget a model fits comfortably; above it, up to the budget, it is tight. */
const COMFORTABLE_SHARE = 0.7;
/**
 * Storage-buffer binding a model needs when it declares none. web-llm asks for 1 GiB and falls
 * back to 128 MiB, and says only its low-resource builds work with the fallback.
 */
const LOW_RESOURCE_BINDING_BYTES = 128 * 2 ** 20;
const FULL_BINDING_BYTES = 2 ** 30;

export function needsShaderF16(model: ModelRecord): boolean {
  return model.requiredFeatures.includes('shader-f16') || quantizationNeedsF16(model.quantization);
}

/** The GPU memory budget for a device, in MiB. */
export function memoryBudgetMB(device: FitDevice): { budgetMB: number; assumed: boolean } {
  const assumed = device.deviceMemoryGB === undefined;
  const systemGB = device.deviceMemoryGB ?? ASSUMED_DEVICE_MEMORY_GB;
  return { budgetMB: systemGB * 1024 * GPU_SHARE_OF_SYSTEM_MEMORY, assumed };
}

/** Fit verdict for one model on one device, naming a better variant when the catalog has one. */
export function checkFit(model: ModelRecord, device: FitDevice, catalog: readonly ModelRecord[]): FitResult {
  const { budgetMB, assumed } = memoryBudgetMB(device);
  const base = { budgetMB, budgetIsAssumed: assumed };
  const budgetWords = assumed
    ? `about ${formatMB(budgetMB)} (assumed: this browser does not report device memory)`
    : `about ${formatMB(budgetMB)}`;

  if (needsShaderF16(model) && !device.features.includes('shader-f16')) {
    const twin = f32Twin(model, catalog);
    return {
      ...base,
      verdict: 'needs-f16',
      reason: twin
        ? `This GPU lacks the shader-f16 feature this quantization needs; ${twin.id} runs without it.`
        : 'This GPU lacks the shader-f16 feature this quantization needs.',
      alternative: twin,
    };
  }

  const bufferNeeded =
    model.bufferSizeRequiredBytes ?? (model.lowResource ? LOW_RESOURCE_BINDING_BYTES : FULL_BINDING_BYTES);
  if (bufferNeeded > device.limits.maxStorageBufferBindingSize) {
    return {
      ...base,
      verdict: 'wont-fit',
      reason: `Needs ${formatMB(bufferNeeded / 2 ** 20)} storage buffers; this GPU allows ${formatMB(
        device.limits.maxStorageBufferBindingSize / 2 ** 20,
      )}.`,
      alternative: undefined,
    };
  }

  const smaller = shortContextTwin(model, catalog);
  if (model.vramMB > budgetMB) {
    const fitsShort = smaller && smaller.vramMB <= budgetMB ? smaller : undefined;
    return {
      ...base,
      verdict: 'wont-fit',
      reason: `Needs ${formatMB(model.vramMB)} of GPU memory; this device has ${budgetWords}.`,
      alternative: fitsShort,
    };
  }
  if (model.vramMB > budgetMB * COMFORTABLE_SHARE) {
    return {
      ...base,
      verdict: 'tight',
      reason: smaller
        ? `Needs ${formatMB(model.vramMB)} of ${budgetWords}; ${smaller.id} needs ${formatMB(smaller.vramMB)}.`
        : `Needs ${formatMB(model.vramMB)} of ${budgetWords}; other tabs and apps may push it out.`,
      alternative: smaller,
    };
  }
  return {
    ...base,
    verdict: 'fits',
    reason: `Needs ${formatMB(model.vramMB)} of ${budgetWords}.`,
    alternative: undefined,
  };
}

/**
 * The model a first-time visitor should start with: the smallest instruct model that fits
 * comfortably, else the smallest that fits at all.
 */
export function defaultModel(
  candidates: readonly ModelRecord[],
  device: FitDevice,
  catalog: readonly ModelRecord[],
  isInstruct: (record: ModelRecord) => boolean,
): ModelRecord | undefined {
  const bySize = [...candidates].filter(isInstruct).sort((a, b) => a.vramMB - b.vramMB);
  return (
    bySize.find((record) => checkFit(record, device, catalog).verdict === 'fits') ??
    bySize.find((record) => checkFit(record, device, catalog).verdict === 'tight')
  );
}
