/**
 * Everything a chat does apart from drawing itself: the engine lease, one status, loading,
 * replies, stopping, a lost device or crashed worker, the live figures and the saved
 * conversation. The element renders what this controller holds and calls its methods.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { EngineLease, TabCopy } from '../../client/engine-pool.js';
import { enginePool } from '../../client/shared-client.js';
import { historyMessages, promptMessages, TurnText, type ChatTurn } from '../../core/conversation.js';
import type { FriendlyError, RecoveryAction } from '../../core/error-messages.js';
import { edgeError, ERROR_NAMES, isAbortError } from '../../core/errors.js';
import { replyMaxTokens, replyTemperature } from '../../core/generation-settings.js';
import { modelKey, sameModel, type ModelKey } from '../../core/model-key.js';
import { EdgeLlmDoneEvent, EdgeLlmProgressEvent, EdgeLlmReadyEvent, EdgeLlmTokenEvent } from '../../events.js';
import type {
  ComputeDevice,
  CustomModelSource,
  DeviceLoss,
  EngineId,
  GenerationStats,
  LoadProgress,
  LoadReport,
  MemorySnapshot,
} from '../../shared/engine-api.js';
import { loadSummary } from '../load-progress.js';
import { reportError } from '../report-error.js';
import { ChatFigures } from './chat-figures.js';
import { ChatSaving } from './chat-saving.js';

/** One status, so "is a model loaded" has one answer: the status carries the load's report. */
export type ChatStatus =
  | { kind: 'idle'; note: string }
  | { kind: 'loading'; progress: LoadProgress }
  | { kind: 'ready'; report: LoadReport; note: string }
  | { kind: 'generating'; report: LoadReport }
  /** `report` is kept when the model is still loaded (a reply failed; the model did not). */
  | { kind: 'failed'; error: FriendlyError; during: 'load' | 'generate'; report: LoadReport | undefined };

/** The element's settings the session reads (and, on restore, writes back). */
export interface ChatSettings {
  engine: EngineId;
  model: string;
  device: ComputeDevice;
  threads: number | undefined;
  customModels: CustomModelSource | undefined;
  systemPrompt: string;
  maxTokens: number;
  temperature: number;
  declaredVramMB: number | undefined;
  persist: boolean;
  storageKey: string;
}

export type ChatSessionHost = ReactiveControllerHost & HTMLElement & ChatSettings;

function reportOf(status: ChatStatus): LoadReport | undefined {
  return 'report' in status ? status.report : undefined;
}

export class ChatSession implements ReactiveController {
  status: ChatStatus = { kind: 'idle', note: '' };
  turns: ChatTurn[] = [];
  readonly figures: ChatFigures;
  readonly saving: ChatSaving;

  /** The model this element uses, shared with other elements that use the same one. */
  private lease: EngineLease | undefined;
  private loading: Promise<LoadReport> | undefined;
  private nextTurnId = 1;
  private stopListening: (() => void)[] = [];

  constructor(private readonly host: ChatSessionHost) {
    host.addController(this);
    this.figures = new ChatFigures(
      host,
      () => this.lease,
      (lostDevices) => this.onLossCounted(lostDevices),
    );
    this.saving = new ChatSaving(host, {
      get: () => this.turns,
      restore: (turns) => {
        // Whatever was typed while the record was being read wins over the saved conversation.
        if (this.turns.length > 0) return;
        this.turns = turns.map((turn) => ({ ...turn, id: this.nextTurnId++ }));
        this.host.requestUpdate();
      },
    });
  }

  hostDisconnected(): void {
    this.figures.stopPolling();
    this.releaseLease();
  }

  get report(): LoadReport | undefined {
    return reportOf(this.status);
  }

  get error(): FriendlyError | undefined {
    return this.status.kind === 'failed' ? this.status.error : undefined;
  }

  /** The element's settings changed: save them, and let go of a model the element no longer names. */
  settingsChanged(changed: ReadonlySet<PropertyKey>): void {
    this.saving.settingsChanged(changed);
    const modelChanged =
      changed.has('model') || changed.has('engine') || changed.has('device') || changed.has('threads');
    if (!modelChanged || !this.lease || sameModel(this.lease.key, this.key())) return;
    // A reply in flight finishes on the model it started with; the next one loads the new model.
    if (this.status.kind === 'generating') return;
    this.releaseLease();
    this.figures.stopPolling();
    if (this.report) this.setStatus({ kind: 'idle', note: '' });
  }

  /**
   * Loads the element's model. Resolves with how it went; rejects with the failure. `copy` says
   * what to do when another tab holds the model (see client/model-tabs.ts).
   */
  async load(copy: TabCopy = 'one-copy'): Promise<LoadReport> {
    if (!this.host.model) throw new Error('Set the "model" attribute before loading.');
    if (this.loading) return this.loading;
    // The crash marker below needs the persistence code: an autoloading chat may get here first.
    if (this.host.persist && !this.saving.ready) {
      await this.saving.start();
      if (this.loading) return this.loading;
    }
    const { engine, model, device, declaredVramMB } = this.host;
    let progress: LoadProgress = {
      phase: 'preparing',
      fraction: undefined,
      loadedBytes: undefined,
      totalBytes: undefined,
      elapsedMs: 0,
      detail: '',
    };
    this.setStatus({ kind: 'loading', progress });
    // Written before the load starts, removed however it ends, unless the tab dies first.
    const intent = this.saving.recordIntent({
      kind: 'load',
      engine,
      model,
      device,
      ...(declaredVramMB ? { sizeBytes: declaredVramMB * 2 ** 20 } : {}),
    });
    this.loading = this.acquire().load(
      (next) => {
        if (next.phase !== progress.phase) intent?.update({ phase: next.phase });
        progress = next;
        if (this.status.kind === 'loading') this.setStatus({ kind: 'loading', progress });
        this.host.dispatchEvent(new EdgeLlmProgressEvent(next));
      },
      {
        custom: this.host.customModels,
        copy,
        ...(declaredVramMB ? { declaredMemoryMB: declaredVramMB } : {}),
      },
    );
    try {
      const report = await this.loading;
      this.setStatus({ kind: 'ready', report, note: loadSummary(report) });
      this.figures.startPolling();
      void this.figures.refreshStorage();
      this.host.dispatchEvent(new EdgeLlmReadyEvent(report));
      return report;
    } catch (error) {
      if (isAbortError(error)) this.setStatus({ kind: 'idle', note: 'Loading cancelled.' });
      else this.fail(error, 'load');
      throw error;
    } finally {
      intent?.clear();
      this.loading = undefined;
    }
  }

  /** Sends a user message and streams the reply, loading the model first if needed. */
  async send(text: string): Promise<GenerationStats> {
    const content = text.trim();
    if (!content) throw new Error('Nothing to send.');
    if (this.status.kind === 'generating') throw new Error('A reply is still streaming; stop it first.');
    if (!this.report || !this.lease?.loaded) await this.load();
    const lease = this.acquire();
    const report = this.report!;

    const history = historyMessages(this.turns);
    const reply: ChatTurn = { id: this.nextTurnId++, role: 'assistant', text: new TurnText(), streaming: true };
    this.turns = [...this.turns, { id: this.nextTurnId++, role: 'user', text: new TurnText(content) }, reply];
    this.setStatus({ kind: 'generating', report });
    this.figures.startReply();
    this.saving.save(true);
    const { systemPrompt } = this.host;
    const maxTokens = replyMaxTokens(this.host.maxTokens);
    const temperature = replyTemperature(this.host.temperature);
    try {
      const stats = await lease.generate(
        { messages: promptMessages(systemPrompt, history, content), maxTokens, temperature },
        (batch) => {
          reply.text.append(batch.text);
          this.figures.addBatch(batch);
          this.saving.save(false);
          this.host.dispatchEvent(new EdgeLlmTokenEvent({ text: batch.text, totalTokens: batch.totalTokens }));
        },
      );
      reply.stats = stats;
      this.figures.finishReply(stats);
      this.host.dispatchEvent(new EdgeLlmDoneEvent({ ...stats, text: reply.text.value }));
      return stats;
    } catch (error) {
      // A lost device was already reported; what the engine throws afterwards only repeats it.
      if (this.error?.code !== 'device-lost') this.fail(error, 'generate');
      throw error;
    } finally {
      reply.streaming = false;
      this.endReply(lease, report);
      this.turns = [...this.turns];
      this.saving.save(true);
      void this.figures.pollMemory();
    }
  }

  /** Back to ready after a reply, unless it failed, or the element named another model meanwhile. */
  private endReply(lease: EngineLease, report: LoadReport): void {
    // Read afresh: listeners may have changed the status while the reply streamed.
    if ((this.status as ChatStatus).kind !== 'generating') return;
    if (sameModel(lease.key, this.key())) {
      this.setStatus({ kind: 'ready', report, note: loadSummary(report) });
      return;
    }
    this.releaseLease();
    this.figures.stopPolling();
    this.setStatus({ kind: 'idle', note: '' });
  }

  /** Stops the reply in flight. The model stays loaded. */
  async stop(): Promise<void> {
    if (this.status.kind === 'generating') await this.lease?.interrupt();
  }

  /** Stops a load in progress (the Cancel button of the progress bar). */
  cancelLoad(): void {
    void this.lease?.cancelLoad();
  }

  /** Frees the model's GPU memory; the conversation is kept. */
  async unload(): Promise<void> {
    if (this.status.kind === 'generating') await this.stop();
    await this.lease?.unload();
    this.setStatus({ kind: 'idle', note: 'Model unloaded.' });
    this.figures.stopPolling();
    await this.figures.pollMemory();
  }

  /** The worker's memory now (see the element's memory()). */
  async memory(): Promise<MemorySnapshot | undefined> {
    return this.lease?.memory();
  }

  /** Token ids of the last reply, where the engine exposes them. */
  outputTokenIds(): Promise<number[] | undefined> {
    return this.lease ? this.lease.client.lastOutputTokenIds() : Promise.resolve(undefined);
  }

  /** Starts a new conversation; the model stays loaded. */
  reset(): void {
    if (this.status.kind === 'generating') void this.stop();
    this.turns = [];
    this.figures.clear();
    const status = this.status;
    if (status.kind === 'failed' && status.error.code === 'context-window-exceeded' && status.report) {
      this.setStatus({ kind: 'ready', report: status.report, note: loadSummary(status.report) });
    }
    this.saving.save(true);
    this.host.requestUpdate();
  }

  /** Deletes the saved conversation and settings; starts over with the element's own settings. */
  clearSaved(): Promise<void> {
    return this.saving.clear(() => this.reset());
  }

  /** Performs a remedy the chat owns; returns false for one that belongs to the host page. */
  recover(action: RecoveryAction): boolean {
    const status = this.status;
    if (action === 'retry') {
      const lastUser = this.turns.findLast((turn) => turn.role === 'user');
      if (status.kind === 'failed' && status.during === 'generate' && lastUser && status.report) {
        this.turns = this.turns.slice(0, this.turns.lastIndexOf(lastUser));
        void this.send(lastUser.text.value).catch(() => undefined);
      } else {
        void this.load().catch(() => undefined);
      }
      return true;
    }
    if (action === 'restart-worker' || action === 'reload-model') {
      // A fresh worker means a fresh GPU device: engines (ONNX Runtime in particular) keep the
      // device they started with, so a lost one cannot be replaced in the same worker.
      this.lease?.restart();
      this.figures.resetLossCount();
      void this.load().catch(() => undefined);
      return true;
    }
    if (action === 'move-model-here' || action === 'load-second-copy') {
      void this.load(action === 'move-model-here' ? 'move-here' : 'second-copy').catch(() => undefined);
      return true;
    }
    if (action === 'new-conversation') {
      this.reset();
      if (this.status.kind === 'failed') this.setStatus(this.afterError());
      return true;
    }
    return false;
  }

  private key(): ModelKey {
    return modelKey(this.host);
  }

  private setStatus(status: ChatStatus): void {
    this.status = status;
    this.host.requestUpdate();
  }

  /** What an error leaves when dismissed: the loaded model, or nothing. */
  private afterError(): ChatStatus {
    const report = this.report;
    return report ? { kind: 'ready', report, note: loadSummary(report) } : { kind: 'idle', note: '' };
  }

  /** The pool's entry for this element's model, leased once. */
  private acquire(): EngineLease {
    if (this.lease && sameModel(this.lease.key, this.key())) return this.lease;
    this.releaseLease();
    const lease = enginePool().acquire(this.key());
    this.lease = lease;
    this.stopListening = [
      lease.client.onCrash((error) => this.fail(error, this.status.kind === 'loading' ? 'load' : 'generate')),
      lease.client.onDeviceLost((loss) => this.onDeviceLost(loss)),
      lease.onMovedAway(() => this.onMovedAway()),
    ];
    return lease;
  }

  /** Another tab took the model (the user asked there): this tab keeps its conversation. */
  private onMovedAway(): void {
    this.figures.stopPolling();
    this.setStatus({
      kind: 'idle',
      note: 'The model moved to another tab, which holds it now. Load it to use it here again.',
    });
  }

  private releaseLease(): void {
    for (const stop of this.stopListening) stop();
    this.stopListening = [];
    this.lease?.release();
    this.lease = undefined;
  }

  private fail(error: unknown, during: 'load' | 'generate'): void {
    const friendly = reportError(this.host, error, { canReloadModel: true });
    // A load that failed, a lost device and a crashed worker all leave no model loaded.
    const modelGone = during === 'load' || friendly.code === 'device-lost' || friendly.code === 'worker-crashed';
    if (modelGone) this.figures.stopPolling();
    this.setStatus({ kind: 'failed', error: friendly, during, report: modelGone ? undefined : this.report });
  }

  /** The worker reported a lost device at once; memory polls count them too (see ChatFigures). */
  private onDeviceLost(loss: DeviceLoss): void {
    const detail = loss.message ? `${loss.reason}: ${loss.message}` : loss.reason;
    this.onLossCounted(loss.lostDevices, detail);
  }

  /** The one place a lost device is handled, whichever path reported it first. */
  private onLossCounted(lostDevices: number, detail?: string): void {
    if (!this.figures.newLoss(lostDevices)) return;
    const kind = this.status.kind;
    if (kind !== 'ready' && kind !== 'generating' && !(kind === 'failed' && this.report)) return;
    if (kind === 'generating') void this.lease?.interrupt().catch(() => undefined);
    const message = detail ? `The GPU device was lost (${detail}).` : 'The GPU device was lost.';
    this.fail(edgeError(ERROR_NAMES.deviceLost, message), 'load');
  }
}
