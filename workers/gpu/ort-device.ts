/**
 * The WebGPU device transformers.js hands ONNX Runtime Web on adapters whose subgroups are too
 * narrow for ONNX Runtime's kernels (src/core/ort-subgroups.ts). Elsewhere ONNX Runtime creates
 * its own device, as it always has.
 *
 * One device serves every load of the worker, as ONNX Runtime's own would; a lost device is
 * replaced at the next load. The memory tracker counts it like any other (it wraps
 * `requestDevice` on the adapter's prototype).
 */
import { ortDeviceFeatures, subgroupsWithheldReason } from '../../src/core/ort-subgroups.js';

export interface OrtDevice {
  device: GPUDevice;
  /** Why the device differs from ONNX Runtime's own, for the stats panel and the benchmark. */
  reason: string;
}

let shared: Promise<OrtDevice | undefined> | undefined;
/** The device `shared` resolved to, so that its loss can be matched. */
let sharedDevice: GPUDevice | undefined;

/** Every limit at the adapter's best, as ONNX Runtime asks for those it uses. */
function adapterLimits(adapter: GPUAdapter): Record<string, number> {
  const limits: Record<string, number> = {};
  // GPUSupportedLimits' attributes live on its prototype, where for...in finds them.
  for (const name in adapter.limits) {
    const value = (adapter.limits as unknown as Record<string, unknown>)[name];
    if (typeof value === 'number') limits[name] = value;
  }
  return limits;
}

async function create(gpu: GPU): Promise<OrtDevice | undefined> {
  const adapter = await gpu.requestAdapter();
  if (!adapter) return undefined; // ONNX Runtime reports the missing adapter in its own words
  // `info` is missing before Chromium 127 (it was `requestAdapterInfo()`): then nothing is known.
  const subgroupMinSize = (adapter.info as (GPUAdapterInfo & { subgroupMinSize?: number }) | undefined)
    ?.subgroupMinSize;
  const features = ortDeviceFeatures({ features: adapter.features, subgroupMinSize });
  if (!features || subgroupMinSize === undefined) return undefined;
  const device = await adapter.requestDevice({
    requiredFeatures: features as GPUFeatureName[],
    requiredLimits: adapterLimits(adapter),
  });
  sharedDevice = device;
  void device.lost.then(() => {
    if (sharedDevice !== device) return;
    sharedDevice = undefined;
    shared = undefined;
  });
  return { device, reason: subgroupsWithheldReason(subgroupMinSize) };
}

/**
 * The device to give ONNX Runtime, or undefined to let it create its own. Undefined too without
 * WebGPU: the load then fails in ONNX Runtime with the message the app already explains.
 */
export function ortWebGpuDevice(gpu: GPU | undefined = globalThis.navigator?.gpu): Promise<OrtDevice | undefined> {
  if (!gpu) return Promise.resolve(undefined);
  shared ??= create(gpu).catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}
