/**
 * The worker's choice of WebGPU device for ONNX Runtime (workers/gpu/ort-device.ts), on stand-in
 * adapters: only the request and the device's lifetime are checked here; what the device
 * computes is checked in Chromium (tests/browser/shootout.spec.ts, transformers.spec.ts).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as OrtDeviceModuleType from '../../workers/gpu/ort-device.js';

type OrtDeviceModule = typeof OrtDeviceModuleType;

interface StandIn {
  gpu: GPU;
  requests: GPUDeviceDescriptor[];
  /** Ends the device handed out last, as a lost GPU would. */
  loseLast(): void;
}

function standInGpu(info: { subgroupMinSize?: number }, features: string[]): StandIn {
  const requests: GPUDeviceDescriptor[] = [];
  const losses: Array<() => void> = [];
  const limits = Object.create({ maxBufferSize: 1 << 30, maxStorageBufferBindingSize: 1 << 28 }) as GPUSupportedLimits;
  const adapter = {
    features: new Set(features),
    limits,
    info,
    requestDevice: (descriptor: GPUDeviceDescriptor) => {
      requests.push(descriptor);
      let lose = () => {};
      const lost = new Promise<GPUDeviceLostInfo>((resolve) => {
        lose = () => resolve({ reason: 'unknown', message: 'lost' } as GPUDeviceLostInfo);
      });
      losses.push(lose);
      return Promise.resolve({ lost, label: `device ${requests.length}` } as unknown as GPUDevice);
    },
  };
  return {
    gpu: { requestAdapter: () => Promise.resolve(adapter) } as unknown as GPU,
    requests,
    loseLast: () => losses.at(-1)!(),
  };
}

let ortDevice: OrtDeviceModule;
beforeEach(async () => {
  // The device is kept per worker: a fresh module per test.
  vi.resetModules();
  ortDevice = await import('../../workers/gpu/ort-device.js');
});

describe('ortWebGpuDevice', () => {
  it('leaves the device to ONNX Runtime where subgroups have 8 lanes or more', async () => {
    const gpu = standInGpu({ subgroupMinSize: 32 }, ['subgroups', 'shader-f16']);
    expect(await ortDevice.ortWebGpuDevice(gpu.gpu)).toBeUndefined();
    expect(gpu.requests).toEqual([]);
  });

  it('leaves it to ONNX Runtime when the adapter has no info (Chromium before 127)', async () => {
    const gpu = standInGpu({ subgroupMinSize: 4 }, ['subgroups']);
    const adapter = (await gpu.gpu.requestAdapter()) as unknown as { info: unknown };
    adapter.info = undefined;
    expect(await ortDevice.ortWebGpuDevice(gpu.gpu)).toBeUndefined();
    expect(gpu.requests).toEqual([]);
  });

  it('leaves it to ONNX Runtime without WebGPU', async () => {
    expect(await ortDevice.ortWebGpuDevice(undefined)).toBeUndefined();
  });

  it('asks for every feature but the subgroup ones, and every limit at the adapter’s best, on 4-lane subgroups', async () => {
    const gpu = standInGpu({ subgroupMinSize: 4 }, ['subgroups', 'subgroup-size-control', 'timestamp-query']);
    const chosen = await ortDevice.ortWebGpuDevice(gpu.gpu);
    expect(chosen?.reason).toMatch(/subgroups have 4 lanes/);
    expect(gpu.requests).toEqual([
      {
        requiredFeatures: ['timestamp-query'],
        requiredLimits: { maxBufferSize: 1 << 30, maxStorageBufferBindingSize: 1 << 28 },
      },
    ]);
  });

  it('serves every load from one device, and makes a new one once that is lost', async () => {
    const gpu = standInGpu({ subgroupMinSize: 4 }, ['subgroups']);
    const first = await ortDevice.ortWebGpuDevice(gpu.gpu);
    expect(await ortDevice.ortWebGpuDevice(gpu.gpu)).toBe(first);
    expect(gpu.requests).toHaveLength(1);

    gpu.loseLast();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const second = await ortDevice.ortWebGpuDevice(gpu.gpu);
    expect(second?.device).not.toBe(first?.device);
    expect(gpu.requests).toHaveLength(2);
  });

  it('tries again at the next load when the device could not be made', async () => {
    const gpu = standInGpu({ subgroupMinSize: 4 }, ['subgroups']);
    const adapter = (await gpu.gpu.requestAdapter())!;
    let refusals = 1;
    const requestDevice = adapter.requestDevice.bind(adapter);
    adapter.requestDevice = (descriptor) =>
      refusals-- > 0 ? Promise.reject(new Error('no device')) : requestDevice(descriptor);
    await expect(ortDevice.ortWebGpuDevice(gpu.gpu)).rejects.toThrow('no device');
    expect(await ortDevice.ortWebGpuDevice(gpu.gpu)).toBeDefined();
  });
});
