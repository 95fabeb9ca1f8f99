/**
 * Tells a returning visitor about a run their last visit never finished: looks for crash
 * markers once (cheaply: the code that reads them loads only when some exist), and words the
 * newest once the device is known, with a smaller model to try. Each reporter claims its own
 * runs (the app its views' runs, an embedded chat the loads of its `storage-key`), so one crash
 * is reported once, where it happened.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { catalogClient } from '../client/shared-client.js';
import type { CrashReport } from '../core/crash-report.js';
import type { RunIntent } from '../core/run-intent.js';
import { hasIntents } from '../persistence/crash-markers-key.js';
import type { CustomModelSource, DeviceReport, ModelRecord } from '../shared/engine-api.js';
import type * as CrashCheck from './crash-check.js';

export class CrashNoticeController implements ReactiveController {
  report: CrashReport | undefined;

  private found: { intent: RunIntent; catalog: ModelRecord[]; ids: string[] } | undefined;
  private crashCheck: typeof CrashCheck | undefined;
  private device: DeviceReport | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly customModels: () => CustomModelSource | undefined,
    /** Whether this reporter tells about `intent`; read after the host's first update. */
    private readonly claims: (intent: RunIntent) => boolean,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    void this.check();
  }

  /** The device is known (or changed): the report's suggestion depends on it. */
  setDevice(device: DeviceReport | undefined): void {
    this.device = device;
    this.describe();
  }

  /**
   * The visitor answered the notice: it goes away for good. Returns the suggested model when the
   * visitor chose to use it.
   */
  answer(action: 'use-suggestion' | 'dismiss'): ModelRecord | undefined {
    for (const id of this.found?.ids ?? []) this.crashCheck?.clearIntent(id);
    const suggestion = this.report?.suggestion;
    this.found = undefined;
    this.report = undefined;
    this.host.requestUpdate();
    return action === 'use-suggestion' ? suggestion : undefined;
  }

  private async check(): Promise<void> {
    try {
      if (!hasIntents()) return;
      // The host's attributes and properties (persist, storage-key) are set by its first update.
      await this.host.updateComplete;
      const crashCheck = await import('./crash-check.js');
      const intents = (await crashCheck.unfinishedIntents()).filter(this.claims);
      const intent = intents[0];
      if (!intent) return;
      const catalog = await catalogClient()
        .listModels(intent.engine, this.customModels())
        .catch(() => []);
      this.crashCheck = crashCheck;
      this.found = { intent, catalog, ids: intents.map((entry) => entry.id) };
      this.describe();
    } catch (error) {
      // The report is a courtesy: failing to make it must not disturb the app.
      console.warn('[edge-llm] could not check for unfinished runs:', error);
    }
  }

  private describe(): void {
    if (!this.found || !this.crashCheck) return;
    this.report = this.crashCheck.describeCrash(this.found.intent, {
      catalog: this.found.catalog,
      device: this.device,
      now: Date.now(),
    });
    this.host.requestUpdate();
  }
}
