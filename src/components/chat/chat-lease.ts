/**
 * The chat's hold on a pooled engine: one lease, for the model the element names, with the crash
 * and device-loss listeners that come with it, and letting go of it.
 */
import type { EngineLease } from '../../client/engine-pool.js';
import { enginePool } from '../../client/shared-client.js';
import { modelKey, sameModel, type ModelKey } from '../../core/model-key.js';
import type { DeviceLoss } from '../../shared/engine-api.js';

export interface LeaseListeners {
  onCrash(error: Error): void;
  onDeviceLost(loss: DeviceLoss): void;
  /** Another tab took the model (see client/model-tabs.ts). */
  onMovedAway(): void;
}

export class ChatLease {
  /** The model this element uses, shared with other elements that use the same one. */
  current: EngineLease | undefined;
  private stopListening: (() => void)[] = [];

  constructor(
    private readonly host: ModelKey,
    private readonly listeners: LeaseListeners,
  ) {}

  /** The model the element names now. */
  key(): ModelKey {
    return modelKey(this.host);
  }

  /** True when `lease` is for the model the element names now. */
  fits(lease: EngineLease): boolean {
    return sameModel(lease.key, this.key());
  }

  /** The pool's entry for the element's model, leased once. */
  acquire(): EngineLease {
    if (this.current && this.fits(this.current)) return this.current;
    this.release();
    const lease = enginePool().acquire(this.key());
    this.current = lease;
    this.stopListening = [
      lease.client.onCrash((error) => this.listeners.onCrash(error)),
      lease.client.onDeviceLost((loss) => this.listeners.onDeviceLost(loss)),
      lease.onMovedAway(() => this.listeners.onMovedAway()),
    ];
    return lease;
  }

  release(): void {
    for (const stop of this.stopListening) stop();
    this.stopListening = [];
    this.current?.release();
    this.current = undefined;
  }
}
