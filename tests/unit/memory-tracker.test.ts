/**
 * GpuMemoryTracker against hand-written stand-ins for WebGPU objects (Node has no WebGPU).
 */
import { describe, expect, it } from 'vitest';
import { GpuMemoryTracker } from '../../workers/gpu/memory-tracker.js';

/** Stands in for a GPUBuffer: counts how often destroy() reached it. */
class FakeGPUBuffer {
  destroyCalls = 0;
  constructor(readonly size: number) {}
  destroy(): void {
    this.destroyCalls += 1;
  }
}

/** Stands in for a GPUDevice whose `lost` promise the test resolves. */
class FakeGPUDevice {
  readonly created: FakeGPUBuffer[] = [];
  destroyCalls = 0;
  readonly lost: Promise<GPUDeviceLostInfo>;
  private resolveLost!: (info: GPUDeviceLostInfo) => void;

  constructor(readonly label = 'fake') {
    this.lost = new Promise((resolve) => (this.resolveLost = resolve));
  }

  createBuffer(descriptor: GPUBufferDescriptor): FakeGPUBuffer {
    const buffer = new FakeGPUBuffer(descriptor.size);
    this.created.push(buffer);
    return buffer;
  }

  destroy(): void {
    this.destroyCalls += 1;
    this.lose('destroyed', 'Device was destroyed.');
  }

  lose(reason: GPUDeviceLostReason, message = 'Device was lost.'): void {
    this.resolveLost({ reason, message } as GPUDeviceLostInfo);
  }

  /** The device as the tracker sees it. */
  get gpu(): GPUDevice {
    return this as unknown as GPUDevice;
  }
}

/** Stands in for GPUAdapter.prototype: requestDevice() hands out FakeGPUDevices. */
class FakeGPUAdapter {
  readonly descriptors: (GPUDeviceDescriptor | undefined)[] = [];
  async requestDevice(descriptor?: GPUDeviceDescriptor): Promise<GPUDevice> {
    this.descriptors.push(descriptor);
    return new FakeGPUDevice('from-adapter').gpu;
  }
}

/** Lets the `lost.then` handlers run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function buffer(device: FakeGPUDevice, size: number): GPUBuffer {
  return device.gpu.createBuffer({ size, usage: 0 });
}

describe('GpuMemoryTracker', () => {
  it('counts created buffers and subtracts destroyed ones once', () => {
    const tracker = new GpuMemoryTracker();
    const device = new FakeGPUDevice();
    tracker.track(device.gpu);

    const a = buffer(device, 1000);
    const b = buffer(device, 500);
    expect(tracker.totals()).toEqual({ currentBytes: 1500, peakBytes: 1500, buffers: 2, devices: 1, lostDevices: 0 });

    a.destroy();
    expect(tracker.totals()).toMatchObject({ currentBytes: 500, peakBytes: 1500, buffers: 1 });
    a.destroy(); // a second destroy must not count again
    expect(tracker.totals()).toMatchObject({ currentBytes: 500, buffers: 1 });
    expect(device.created[0]!.destroyCalls).toBe(2); // the real destroy still runs

    b.destroy();
    expect(tracker.totals()).toMatchObject({ currentBytes: 0, peakBytes: 1500, buffers: 0 });
  });

  it('returns the buffer the device created', () => {
    const tracker = new GpuMemoryTracker();
    const device = new FakeGPUDevice();
    tracker.track(device.gpu);
    const created = buffer(device, 64);
    expect(created).toBe(device.created[0]);
  });

  it('tracks the peak and starts a new peak window on resetPeak()', () => {
    const tracker = new GpuMemoryTracker();
    const device = new FakeGPUDevice();
    tracker.track(device.gpu);
    const big = buffer(device, 4096);
    buffer(device, 1024);
    big.destroy();
    expect(tracker.totals()).toMatchObject({ currentBytes: 1024, peakBytes: 5120 });

    tracker.resetPeak();
    expect(tracker.totals().peakBytes).toBe(1024);
    const extra = buffer(device, 256);
    expect(tracker.totals().peakBytes).toBe(1280);
    extra.destroy();
    expect(tracker.totals()).toMatchObject({ currentBytes: 1024, peakBytes: 1280 });
  });

  it('tracks a device only once', () => {
    const tracker = new GpuMemoryTracker();
    const device = new FakeGPUDevice();
    tracker.track(device.gpu);
    tracker.track(device.gpu);
    buffer(device, 100);
    expect(tracker.totals()).toMatchObject({ currentBytes: 100, buffers: 1, devices: 1 });
  });

  it('releases everything a destroyed device held, without counting it as lost', async () => {
    const tracker = new GpuMemoryTracker();
    const device = new FakeGPUDevice();
    const lost: GPUDeviceLostInfo[] = [];
    tracker.onDeviceLost((info) => lost.push(info));
    tracker.track(device.gpu);
    const a = buffer(device, 300);
    buffer(device, 700);

    device.gpu.destroy();
    expect(device.destroyCalls).toBe(1);
    expect(tracker.totals()).toEqual({ currentBytes: 0, peakBytes: 1000, buffers: 0, devices: 0, lostDevices: 0 });

    await settle(); // `lost` resolves with reason "destroyed"
    expect(tracker.totals()).toMatchObject({ currentBytes: 0, lostDevices: 0 });
    a.destroy(); // destroying a buffer of a released device changes nothing
    expect(tracker.totals().currentBytes).toBe(0);
    buffer(device, 50); // nor does creating one on it
    expect(tracker.totals()).toMatchObject({ currentBytes: 0, buffers: 0 });
    expect(lost.map((info) => info.reason)).toEqual(['destroyed']);
  });

  it('counts a real loss, releases the device and tells the listeners', async () => {
    const tracker = new GpuMemoryTracker();
    const keep = new FakeGPUDevice('keep');
    const doomed = new FakeGPUDevice('doomed');
    tracker.track(keep.gpu);
    tracker.track(doomed.gpu);
    buffer(keep, 10);
    buffer(doomed, 2000);
    buffer(doomed, 3000);
    expect(tracker.totals()).toMatchObject({ currentBytes: 5010, buffers: 3, devices: 2 });

    const reasons: string[] = [];
    const unsubscribe = tracker.onDeviceLost((info) => reasons.push(info.reason));
    doomed.lose('unknown');
    await settle();
    expect(tracker.totals()).toEqual({ currentBytes: 10, peakBytes: 5010, buffers: 1, devices: 1, lostDevices: 1 });
    expect(reasons).toEqual(['unknown']);

    unsubscribe();
    keep.lose('unknown');
    await settle();
    expect(tracker.totals()).toMatchObject({ currentBytes: 0, devices: 0, lostDevices: 2 });
    expect(reasons).toEqual(['unknown']);
  });

  it('counts a lost device once even when it is destroyed afterwards', async () => {
    const tracker = new GpuMemoryTracker();
    const device = new FakeGPUDevice();
    tracker.track(device.gpu);
    buffer(device, 100);
    device.lose('unknown');
    await settle();
    device.gpu.destroy();
    await settle();
    expect(tracker.totals()).toMatchObject({ currentBytes: 0, lostDevices: 1 });
  });

  describe('install()', () => {
    it('wraps requestDevice on the adapter prototype so new devices are tracked', async () => {
      const tracker = new GpuMemoryTracker();
      const prototype = FakeGPUAdapter.prototype;
      const original = prototype.requestDevice;
      try {
        tracker.install(prototype as unknown as GPUAdapter);
        expect(prototype.requestDevice).not.toBe(original);

        const adapter = new FakeGPUAdapter();
        const descriptor = { requiredFeatures: ['shader-f16'] } as GPUDeviceDescriptor;
        const device = await adapter.requestDevice(descriptor);
        expect(adapter.descriptors).toEqual([descriptor]); // called on the adapter, with the descriptor
        device.createBuffer({ size: 2048, usage: 0 });
        expect(tracker.totals()).toMatchObject({ currentBytes: 2048, buffers: 1, devices: 1 });
      } finally {
        prototype.requestDevice = original;
        delete (prototype as { __edgeLlmTracked?: boolean }).__edgeLlmTracked;
      }
    });

    it('is idempotent', async () => {
      const tracker = new GpuMemoryTracker();
      const prototype = { requestDevice: async () => new FakeGPUDevice().gpu };
      tracker.install(prototype as unknown as GPUAdapter);
      const wrapped = prototype.requestDevice;
      tracker.install(prototype as unknown as GPUAdapter);
      expect(prototype.requestDevice).toBe(wrapped);

      const device = await prototype.requestDevice();
      device.createBuffer({ size: 100, usage: 0 });
      expect(tracker.totals()).toMatchObject({ currentBytes: 100, buffers: 1, devices: 1 });
    });

    it('does nothing where there is no GPUAdapter (Node)', () => {
      expect('GPUAdapter' in globalThis).toBe(false);
      expect(() => new GpuMemoryTracker().install()).not.toThrow();
    });
  });

  it('loseDevices destroys every live device and counts each as a loss, for recovery tests', async () => {
    const tracker = new GpuMemoryTracker();
    const first = new FakeGPUDevice('first');
    const second = new FakeGPUDevice('second');
    const gone = new FakeGPUDevice('gone');
    for (const device of [first, second, gone]) tracker.track(device.gpu);
    buffer(first, 100);
    buffer(second, 200);
    gone.gpu.destroy();
    await settle();
    const seen: [string, boolean][] = [];
    tracker.onDeviceLost((info, counted) => seen.push([info.reason, counted]));

    expect(tracker.loseDevices()).toBe(2);
    expect([first.destroyCalls, second.destroyCalls, gone.destroyCalls]).toEqual([1, 1, 1]);
    await settle();
    expect(tracker.totals()).toMatchObject({ currentBytes: 0, devices: 0, lostDevices: 2 });
    expect(seen).toEqual([
      ['destroyed', true],
      ['destroyed', true],
    ]);
    expect(tracker.loseDevices()).toBe(0);
  });

  it('tells listeners a device destroyed on purpose is not a loss', async () => {
    const tracker = new GpuMemoryTracker();
    const device = new FakeGPUDevice();
    const seen: boolean[] = [];
    tracker.onDeviceLost((_info, counted) => seen.push(counted));
    tracker.track(device.gpu);
    device.gpu.destroy();
    await settle();
    expect(seen).toEqual([false]);
  });
});
