/**
 * Measures the GPU memory an engine really holds, for any engine: every `GPUDevice` the worker
 * creates is wrapped so buffer creation and destruction are counted, and a lost or destroyed
 * device releases everything it held.
 *
 * Engines call `adapter.requestDevice()` themselves, so the wrap is installed on
 * `GPUAdapter.prototype` before any engine code runs.
 */

interface DeviceLedger {
  buffers: Map<GPUBuffer, number>;
  lost: boolean;
  /** Destroyed by {@link GpuMemoryTracker.loseDevices}: counts as a loss, not a clean destroy. */
  simulatedLoss?: boolean;
}

export interface TrackerTotals {
  currentBytes: number;
  peakBytes: number;
  buffers: number;
  devices: number;
  lostDevices: number;
}

export class GpuMemoryTracker {
  private readonly ledgers = new Map<GPUDevice, DeviceLedger>();
  private currentBytes = 0;
  private peakBytes = 0;
  private lostDevices = 0;
  private readonly lostListeners = new Set<(info: GPUDeviceLostInfo, counted: boolean) => void>();

  /** Wraps `GPUAdapter.prototype.requestDevice` so every new device is tracked. Idempotent. */
  install(adapterPrototype: GPUAdapter = globalThis.GPUAdapter?.prototype): void {
    if (!adapterPrototype) return;
    const marked = adapterPrototype as GPUAdapter & { __edgeLlmTracked?: boolean };
    if (marked.__edgeLlmTracked) return;
    marked.__edgeLlmTracked = true;
    const original = adapterPrototype.requestDevice;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const tracker = this;
    adapterPrototype.requestDevice = async function (this: GPUAdapter, descriptor?: GPUDeviceDescriptor) {
      const device = await original.call(this, descriptor);
      tracker.track(device);
      return device;
    };
  }

  /** Starts counting a device's buffers. */
  track(device: GPUDevice): void {
    if (this.ledgers.has(device)) return;
    const ledger: DeviceLedger = { buffers: new Map(), lost: false };
    this.ledgers.set(device, ledger);

    const createBuffer = device.createBuffer.bind(device);
    device.createBuffer = (descriptor: GPUBufferDescriptor) => {
      const buffer = createBuffer(descriptor);
      if (!ledger.lost) {
        ledger.buffers.set(buffer, descriptor.size);
        this.add(descriptor.size);
        const destroy = buffer.destroy.bind(buffer);
        buffer.destroy = () => {
          const size = ledger.buffers.get(buffer);
          if (size !== undefined) {
            ledger.buffers.delete(buffer);
            this.add(-size);
          }
          destroy();
        };
      }
      return buffer;
    };

    const destroyDevice = device.destroy.bind(device);
    device.destroy = () => {
      this.release(ledger);
      destroyDevice();
    };

    void device.lost.then((info) => {
      // A destroyed device also resolves `lost` (reason "destroyed"): only count real losses.
      const counted = info.reason !== 'destroyed' || ledger.simulatedLoss === true;
      if (counted) this.lostDevices += 1;
      this.release(ledger);
      for (const listener of this.lostListeners) listener(info, counted);
    });
  }

  /**
   * Called when any tracked device's `lost` promise resolves. `counted` is false for a device
   * destroyed on purpose (an engine unloading), true for a real loss or a simulated one.
   */
  onDeviceLost(listener: (info: GPUDeviceLostInfo, counted: boolean) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /**
   * Destroys every live tracked device and counts each as lost, as if the browser had taken the
   * GPU away. For testing recovery paths only (like `WEBGL_lose_context.loseContext()`): WebGPU
   * has no way to lose a device on demand, and `destroy()` produces the same state for the
   * engine, a device whose every later call fails. Returns how many devices it destroyed.
   */
  loseDevices(): number {
    let count = 0;
    for (const [device, ledger] of this.ledgers) {
      if (ledger.lost) continue;
      ledger.simulatedLoss = true;
      device.destroy();
      count += 1;
    }
    return count;
  }

  totals(): TrackerTotals {
    let buffers = 0;
    let devices = 0;
    for (const ledger of this.ledgers.values()) {
      buffers += ledger.buffers.size;
      if (!ledger.lost) devices += 1;
    }
    return {
      currentBytes: this.currentBytes,
      peakBytes: this.peakBytes,
      buffers,
      devices,
      lostDevices: this.lostDevices,
    };
  }

  /** Starts a new peak window (e.g. per reply) at the bytes held now. */
  resetPeak(): void {
    this.peakBytes = this.currentBytes;
  }

  private add(bytes: number): void {
    this.currentBytes += bytes;
    if (this.currentBytes > this.peakBytes) this.peakBytes = this.currentBytes;
  }

  private release(ledger: DeviceLedger): void {
    if (ledger.lost) return;
    ledger.lost = true;
    for (const size of ledger.buffers.values()) this.add(-size);
    ledger.buffers.clear();
  }
}
