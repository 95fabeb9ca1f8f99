/** Reads what the browser says about its GPU, from inside the worker that will own it. */
import type { DeviceReport } from '../../src/shared/engine-api.js';

const EMPTY_LIMITS: DeviceReport['limits'] = {
  maxBufferSize: 0,
  maxStorageBufferBindingSize: 0,
  maxComputeWorkgroupStorageSize: 0,
};

function hostFacts(): Pick<DeviceReport, 'deviceMemoryGB' | 'hardwareConcurrency' | 'privateFileSystem'> {
  // Typed by hand: the worker and the page (whose libs name the navigator differently) both read it.
  const nav = globalThis.navigator as
    { deviceMemory?: number; hardwareConcurrency?: number; storage?: { getDirectory?: unknown } } | undefined;
  return {
    deviceMemoryGB: nav?.deviceMemory,
    hardwareConcurrency: nav?.hardwareConcurrency,
    // Secure contexts only: a page served over plain HTTP has no navigator.storage at all.
    privateFileSystem: typeof nav?.storage?.getDirectory === 'function',
  };
}

function emptyReport(webgpu: DeviceReport['webgpu']): DeviceReport {
  return {
    webgpu,
    vendor: '',
    architecture: '',
    device: '',
    description: '',
    isFallbackAdapter: false,
    features: [],
    limits: EMPTY_LIMITS,
    ...hostFacts(),
  };
}

/** Every numeric limit the adapter offers, for benchmark fingerprints. */
function allLimits(limits: GPUSupportedLimits): Record<string, number> {
  const out: Record<string, number> = {};
  // The limits are getters on the prototype: `for...in` sees them, Object.keys does not.
  for (const key in limits) {
    const value = (limits as unknown as Record<string, unknown>)[key];
    if (typeof value === 'number') out[key] = value;
  }
  return out;
}

export async function probeDevice(gpu: GPU | undefined = globalThis.navigator?.gpu): Promise<DeviceReport> {
  if (!gpu) return emptyReport('no-navigator-gpu');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return emptyReport('no-adapter');
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = adapter as GPUAdapter & { isFallbackAdapter?: boolean };
  return {
    webgpu: 'available',
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    // Chrome moved the flag from the adapter to its info; read both.
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? legacy.isFallbackAdapter),
    features: [...adapter.features].sort(),
    limits: {
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    },
    allLimits: allLimits(adapter.limits),
    ...hostFacts(),
  };
}
