import { describe, expect, it } from 'vitest';
import {
  cpuOnlyNotice,
  defaultComputePath,
  deviceForPath,
  isSoftwareAdapter,
  pathOfDevice,
  type PathDevice,
} from '../../src/core/compute-path.js';

const hardware: PathDevice = {
  webgpu: 'available',
  isFallbackAdapter: false,
  architecture: 'ampere',
  description: 'NVIDIA GeForce RTX 3060',
  device: '',
};
/** What SwiftShader reports here (ENVIRONMENT.md). */
const swiftshader: PathDevice = {
  webgpu: 'available',
  isFallbackAdapter: true,
  architecture: 'swiftshader',
  description: '',
  device: '',
};

describe('defaultComputePath', () => {
  it('runs on a hardware GPU', () => {
    expect(defaultComputePath(hardware)).toMatchObject({ path: 'gpu', gpuAvailable: true });
  });

  it('runs on the CPU when the only adapter is a software one, and says why in one sentence', () => {
    expect(defaultComputePath(swiftshader)).toEqual({
      path: 'cpu',
      gpuAvailable: true,
      reason: 'This GPU is a software renderer: running on the CPU is faster.',
    });
    // A software adapter that does not raise the flag is recognised by its name.
    const llvmpipe = { ...hardware, architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' };
    expect(isSoftwareAdapter(llvmpipe)).toBe(true);
    expect(defaultComputePath(llvmpipe).path).toBe('cpu');
  });

  it('runs on the CPU, with the GPU path not offered, without WebGPU or an adapter', () => {
    expect(defaultComputePath({ ...hardware, webgpu: 'no-navigator-gpu' })).toEqual({
      path: 'cpu',
      gpuAvailable: false,
      reason: 'This browser has no WebGPU: models run on the CPU.',
    });
    expect(defaultComputePath({ ...hardware, webgpu: 'no-adapter' })).toMatchObject({
      path: 'cpu',
      gpuAvailable: false,
    });
  });
});

describe('paths and devices', () => {
  it('maps each path to the device an engine is asked for, and back', () => {
    expect(deviceForPath('cpu')).toBe('wasm');
    expect(deviceForPath('gpu')).toBe('webgpu');
    expect(pathOfDevice('wasm')).toBe('cpu');
    expect(pathOfDevice('webgpu')).toBe('gpu');
  });
});

describe('cpuOnlyNotice', () => {
  it('says what is missing, that the CPU still runs models, and how to get the GPU path', () => {
    const notice = cpuOnlyNotice({ ...hardware, webgpu: 'no-navigator-gpu' });
    expect(notice?.title).toBe('This browser has no WebGPU');
    expect(notice?.message).toContain('Models run on the CPU (WebAssembly) instead');
    expect(notice?.message).toContain('Chrome or Edge 113+');
    expect(cpuOnlyNotice({ ...hardware, webgpu: 'no-adapter' })?.title).toBe('WebGPU offered no GPU adapter');
    expect(cpuOnlyNotice(swiftshader)).toBeUndefined();
  });
});
