/**
 * Where models run on this device by default: on the GPU through WebGPU, or on the CPU through
 * WebAssembly, with the reason in one sentence. Pure.
 *
 * The rule: the GPU when WebGPU offers a hardware adapter; the CPU when there is no WebGPU, no
 * adapter, or only a software (fallback) adapter. A software adapter is the CPU emulating a GPU,
 * and it loses badly to running on the CPU directly: with one 120 M-parameter fp32 model
 * (`npm run bench`, issue 11) transformers.js decoded 37.1 tokens/s on WebAssembly and 0.15
 * tokens/s on SwiftShader's WebGPU (time to first token 0.26 s against 22 s).
 */
import type { ComputeDevice, DeviceReport } from '../shared/engine-api.js';

/** The two ways a model can run in a browser. */
export type ComputePath = 'gpu' | 'cpu';

export interface PathAdvice {
  path: ComputePath;
  /** One sentence a visitor understands: why this path. */
  reason: string;
  /** False when WebGPU cannot run anything here (no WebGPU, no adapter): the GPU path is not offered. */
  gpuAvailable: boolean;
}

/** The part of a device report the advice reads. */
export type PathDevice = Pick<DeviceReport, 'webgpu' | 'isFallbackAdapter' | 'architecture' | 'description' | 'device'>;

/** True for software GPUs (SwiftShader, WARP, llvmpipe): correct, but the CPU in disguise. */
export function isSoftwareAdapter(report: PathDevice): boolean {
  return (
    report.isFallbackAdapter ||
    /swiftshader|llvmpipe|warp|software/i.test(`${report.architecture} ${report.description} ${report.device}`)
  );
}

/** The path a new visitor starts on, and why. */
export function defaultComputePath(report: PathDevice): PathAdvice {
  if (report.webgpu === 'no-navigator-gpu') {
    return { path: 'cpu', gpuAvailable: false, reason: 'This browser has no WebGPU: models run on the CPU.' };
  }
  if (report.webgpu === 'no-adapter') {
    return { path: 'cpu', gpuAvailable: false, reason: 'WebGPU offered no GPU adapter: models run on the CPU.' };
  }
  if (isSoftwareAdapter(report)) {
    return {
      path: 'cpu',
      gpuAvailable: true,
      reason: 'This GPU is a software renderer: running on the CPU is faster.',
    };
  }
  return { path: 'gpu', gpuAvailable: true, reason: 'This device has a hardware GPU: models run fastest on it.' };
}

/** The device an engine is asked to compute on for a path. */
export function deviceForPath(path: ComputePath): ComputeDevice {
  return path === 'cpu' ? 'wasm' : 'webgpu';
}

export function pathOfDevice(device: ComputeDevice): ComputePath {
  return device === 'wasm' ? 'cpu' : 'gpu';
}

/** "on the CPU" / "on the GPU", for sentences. */
export function pathWords(path: ComputePath): string {
  return path === 'cpu' ? 'on the CPU' : 'on the GPU';
}

/**
 * What a visitor without a usable WebGPU reads above the chat: what is missing, that the CPU
 * still runs models, and how to get the GPU path. Undefined when WebGPU has an adapter.
 */
export function cpuOnlyNotice(report: PathDevice): { title: string; message: string } | undefined {
  const browsers =
    'For GPU speed, use Chrome or Edge 113+ on Windows, macOS or ChromeOS, Chrome 121+ on Android, Safari 26+ or Firefox 141+ on Windows, over HTTPS or from localhost.';
  if (report.webgpu === 'no-navigator-gpu') {
    return {
      title: 'This browser has no WebGPU',
      message: `Models run on the CPU (WebAssembly) instead: slower than a GPU, but private and fully working. ${browsers}`,
    };
  }
  if (report.webgpu === 'no-adapter') {
    return {
      title: 'WebGPU offered no GPU adapter',
      message:
        'Models run on the CPU (WebAssembly) instead: slower than a GPU, but private and fully working. The GPU may be blocklisted or hardware acceleration turned off in the browser settings.',
    };
  }
  return undefined;
}
