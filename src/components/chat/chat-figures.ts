/**
 * The chat's figures: tokens/s while a reply streams (a few renders a second, from the worker's
 * clock), the last reply's statistics, and GPU memory polled once a second while a model is
 * loaded. A poll also counts lost devices, so a loss the worker could not report still surfaces.
 */
import type { ReactiveControllerHost } from 'lit';
import type { EngineLease } from '../../client/engine-pool.js';
import { decodeTokensPerSecond, RateSeries } from '../../core/stats.js';
import type { GenerationStats, MemorySnapshot, TokenBatch } from '../../shared/engine-api.js';
import type { LiveFigures as LiveReplyFigures, StorageFigures } from '../stats-panel.js';

const MEMORY_POLL_MS = 1000;
const LIVE_RENDER_INTERVAL_MS = 100;

export class ChatFigures {
  live: LiveReplyFigures | undefined;
  lastStats: GenerationStats | undefined;
  memory: MemorySnapshot | undefined;
  storage: StorageFigures | undefined;

  private series = new RateSeries();
  private renderedAt = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private lostDevicesSeen = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly lease: () => EngineLease | undefined,
    private readonly onLostDevices: (lostDevices: number) => void,
  ) {}

  startReply(): void {
    this.series = new RateSeries();
    this.live = { outputTokens: 0, ttftMs: undefined, decodeTokensPerSecond: undefined, series: this.series.points };
    this.host.requestUpdate();
  }

  addBatch(batch: TokenBatch): void {
    this.series.add(batch.tokens, batch.elapsedMs);
    // The figures re-render the panel: a few times a second is enough to read them, and keeps a
    // fast engine from spending the page's frames on statistics.
    const now = performance.now();
    if (batch.totalTokens > 1 && now - this.renderedAt < LIVE_RENDER_INTERVAL_MS) return;
    this.renderedAt = now;
    this.live = {
      outputTokens: batch.totalTokens,
      ttftMs: batch.firstTokenMs,
      decodeTokensPerSecond: decodeTokensPerSecond(batch.totalTokens, batch.elapsedMs - batch.firstTokenMs),
      series: [...this.series.points],
    };
    this.host.requestUpdate();
  }

  finishReply(stats: GenerationStats): void {
    this.lastStats = stats;
    this.host.requestUpdate();
  }

  /** A new conversation: the last reply's figures no longer describe it. */
  clear(): void {
    this.live = undefined;
    this.lastStats = undefined;
    this.host.requestUpdate();
  }

  startPolling(): void {
    this.stopPolling();
    void this.pollMemory();
    this.timer = setInterval(() => void this.pollMemory(), MEMORY_POLL_MS);
  }

  stopPolling(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  async pollMemory(): Promise<void> {
    const lease = this.lease();
    if (!lease) return;
    try {
      this.memory = await lease.memory();
      this.host.requestUpdate();
      this.onLostDevices(this.memory.lostDevices);
    } catch {
      // A crashed worker reports itself through onCrash; a missed sample is harmless.
    }
  }

  /** True once per newly lost device count, whichever path (push or poll) saw it first. */
  newLoss(lostDevices: number): boolean {
    if (lostDevices <= this.lostDevicesSeen) return false;
    this.lostDevicesSeen = lostDevices;
    return true;
  }

  /** A fresh worker starts counting its lost devices from zero. */
  resetLossCount(): void {
    this.lostDevicesSeen = 0;
  }

  async refreshStorage(): Promise<void> {
    const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
    if (!estimate) return;
    this.storage = { usageBytes: estimate.usage, quotaBytes: estimate.quota };
    this.host.requestUpdate();
  }
}
