/**
 * Everything a chat does apart from drawing itself: the engine lease, one status, loading,
 * replies, stopping, a lost device or crashed worker, the live figures and the saved
 * conversation. The element renders what this controller holds and calls its methods.
 */
import type { ReactiveController } from 'lit';
import type { EngineLease, TabCopy } from '../../client/engine-pool.js';
import { Conversation, type ChatTurn } from '../../core/conversation.js';
import type { FriendlyError, RecoveryAction } from '../../core/error-messages.js';
import { edgeError, ERROR_NAMES, isAbortError } from '../../core/errors.js';
import { replyMaxTokens, replyTemperature } from '../../core/generation-settings.js';
import { EdgeLlmDoneEvent, EdgeLlmProgressEvent, EdgeLlmReadyEvent, EdgeLlmTokenEvent } from '../../events.js';
import type { ChatMessage, DeviceLoss, GenerationStats, LoadReport, MemorySnapshot } from '../../shared/engine-api.js';
import { prepareErrorMessages, reportError } from '../report-error.js';
import { ChatFigures } from './chat-figures.js';
import { ChatLease } from './chat-lease.js';
import { recoverChat } from './chat-recovery.js';
import { planReply } from './chat-plan.js';
import { ChatSaving } from './chat-saving.js';
import {
  movedAwayStatus,
  PREPARING,
  readyStatus,
  reportOf,
  type ChatSessionHost,
  type ChatStatus,
} from './chat-status.js';

export type { ChatSessionHost, ChatSettings, ChatStatus } from './chat-status.js';

export class ChatSession implements ReactiveController {
  status: ChatStatus = { kind: 'idle', note: '' };
  readonly conversation = new Conversation();
  readonly figures: ChatFigures;
  readonly saving: ChatSaving;

  private readonly leases: ChatLease;
  private loading: Promise<LoadReport> | undefined;
  /** The reply in flight, from planning its prompt to its end. */
  private replying: Promise<unknown> | undefined;
  /** Stop was pressed while the prompt was still being planned: the reply does not start. */
  private stopRequested = false;

  constructor(private readonly host: ChatSessionHost) {
    host.addController(this);
    this.leases = new ChatLease(host, {
      onCrash: (error) => this.fail(error, this.status.kind === 'loading' ? 'load' : 'generate'),
      onDeviceLost: (loss) => this.onDeviceLost(loss),
      // Another tab took the model (the user asked there): this tab keeps its conversation.
      onMovedAway: () => {
        this.figures.stopPolling();
        this.setStatus(movedAwayStatus());
      },
    });
    this.figures = new ChatFigures(
      host,
      () => this.lease,
      (lostDevices) => this.onLossCounted(lostDevices),
    );
    this.saving = new ChatSaving(host, {
      turns: () => this.turns,
      memoryStart: () => this.conversation.memoryStart,
      restore: (turns, memoryStart, replace) => {
        // At start, whatever was typed while the record was being read wins over the saved one.
        if (this.turns.length > 0 && !replace) return false;
        this.conversation.replace(turns, memoryStart);
        this.figures.clear();
        this.host.requestUpdate();
        return true;
      },
    });
  }

  /** The conversation's turns, oldest first. */
  get turns(): ChatTurn[] {
    return this.conversation.turns;
  }

  hostDisconnected(): void {
    this.figures.stopPolling();
    this.leases.release();
  }

  /** The model this element uses, shared with other elements that use the same one. */
  get lease(): EngineLease | undefined {
    return this.leases.current;
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
    if (!modelChanged || !this.lease || this.leases.fits(this.lease)) return;
    // A reply in flight finishes on the model it started with; the next one loads the new model.
    if (this.status.kind === 'generating') return;
    this.leases.release();
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
    void prepareErrorMessages().catch(() => undefined); // while the network is known to be up
    const { engine, model, device, declaredVramMB } = this.host;
    let progress = PREPARING;
    this.setStatus({ kind: 'loading', progress });
    // Written before the load starts, removed however it ends, unless the tab dies first.
    const intent = this.saving.recordIntent({
      kind: 'load',
      engine,
      model,
      device,
      ...(declaredVramMB ? { sizeBytes: declaredVramMB * 2 ** 20 } : {}),
    });
    this.loading = this.leases.acquire().load(
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
      this.setStatus(readyStatus(report));
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
  send(text: string): Promise<GenerationStats> {
    return this.reply(this.turns.length, text);
  }

  /** Answers the last message again: its reply is replaced by a new one. */
  regenerate(): Promise<GenerationStats> {
    const last = this.conversation.lastUserIndex();
    if (last < 0) return Promise.reject(new Error('There is no message to answer again yet.'));
    return this.reply(last, this.turns[last]!.text.value);
  }

  /** Replaces the last message with `text` and answers it; the old reply is dropped. */
  editLastMessage(text: string): Promise<GenerationStats> {
    const last = this.conversation.lastUserIndex();
    if (last < 0) return Promise.reject(new Error('There is no message to edit yet.'));
    return this.reply(last, text);
  }

  /** Stops a reply in flight and waits for it to end (before the conversation is replaced). */
  async settle(): Promise<void> {
    await this.stop();
    await this.replying?.catch(() => undefined);
  }

  /**
   * Asks the model to answer `text` after the turns before `from` (the turns from there on are
   * replaced): the prompt is planned to fit the context window, then the reply streams.
   */
  private async reply(from: number, text: string): Promise<GenerationStats> {
    const content = text.trim();
    if (!content) throw new Error('Nothing to send.');
    if (this.status.kind === 'generating') throw new Error('A reply is still streaming; stop it first.');
    if (!this.report || !this.lease?.loaded) await this.load();
    const lease = this.leases.acquire();
    const report = this.report!;
    this.setStatus({ kind: 'generating', report });
    this.stopRequested = false;
    const replying = this.planAndGenerate(lease, report, from, content);
    this.replying = replying;
    try {
      return await replying;
    } finally {
      if (this.replying === replying) this.replying = undefined;
    }
  }

  private async planAndGenerate(
    lease: EngineLease,
    report: LoadReport,
    from: number,
    content: string,
  ): Promise<GenerationStats> {
    const { systemPrompt } = this.host;
    const maxTokens = replyMaxTokens(this.host.maxTokens);
    const temperature = replyTemperature(this.host.temperature);
    const earlier = this.conversation.planTurns(from);
    const before = this.conversation.turns;
    // The message shows at once; its reply waits while the prompt is planned.
    const reply = this.conversation.begin(from, content);
    this.host.requestUpdate();
    let messages: ChatMessage[];
    try {
      const plan = await planReply(lease, {
        systemPrompt,
        maxTokens,
        contextWindow: report.contextWindow,
        turns: earlier,
        message: content,
        memoryStart: this.conversation.memoryStart,
      });
      if (this.stopRequested) throw edgeError(ERROR_NAMES.abort, 'Stopped before the reply started.');
      this.conversation.memoryStart = plan.memoryStart;
      messages = plan.messages;
    } catch (error) {
      // Nothing was sent: the conversation is as it was.
      this.conversation.turns = before;
      if (isAbortError(error)) this.setStatus(readyStatus(report));
      else this.fail(error, 'generate');
      throw error;
    }
    this.figures.startReply();
    this.saving.save(true);
    try {
      const stats = await lease.generate({ messages, maxTokens, temperature }, (batch) => {
        reply.text.append(batch.text);
        this.figures.addBatch(batch);
        this.saving.save(false);
        this.host.dispatchEvent(new EdgeLlmTokenEvent({ text: batch.text, totalTokens: batch.totalTokens }));
      });
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
      this.conversation.touch();
      this.saving.save(true);
      void this.figures.pollMemory();
    }
  }

  /** Back to ready after a reply, unless it failed, or the element named another model meanwhile. */
  private endReply(lease: EngineLease, report: LoadReport): void {
    // Read afresh: listeners may have changed the status while the reply streamed.
    if ((this.status as ChatStatus).kind !== 'generating') return;
    if (this.leases.fits(lease)) {
      this.setStatus(readyStatus(report));
      return;
    }
    this.leases.release();
    this.figures.stopPolling();
    this.setStatus({ kind: 'idle', note: '' });
  }

  /** Stops the reply in flight. The model stays loaded. */
  async stop(): Promise<void> {
    if (this.status.kind !== 'generating') return;
    this.stopRequested = true;
    await this.lease?.interrupt();
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

  /** Starts a new conversation; the model stays loaded, and a saved conversation stays saved. */
  reset(): void {
    if (this.status.kind === 'generating') void this.stop();
    this.saving.leave();
    this.startOver();
    this.saving.save(true);
  }

  /** An empty conversation, without saving the one it replaces. */
  startOver(): void {
    this.conversation.clear();
    this.figures.clear();
    this.clearReplyError();
    this.host.requestUpdate();
  }

  /** Puts away a failed reply's error: the conversation it was about is gone. */
  clearReplyError(): void {
    const status = this.status;
    if (status.kind === 'failed' && status.during === 'generate' && status.report) {
      this.setStatus(readyStatus(status.report));
    }
  }

  /** Deletes the open conversation (or a new one's settings) from this device; starts over with the element's own settings. */
  clearSaved(): Promise<void> {
    return this.saving.clear(() => {
      if (this.status.kind === 'generating') void this.stop();
      this.startOver();
    });
  }

  /** Performs a remedy the chat owns; returns false for one that belongs to the host page. */
  recover(action: RecoveryAction): boolean {
    return recoverChat(this, action);
  }

  /** A fresh worker (and GPU device) for the element's model. */
  restartWorker(): void {
    this.lease?.restart();
    this.figures.resetLossCount();
  }

  /** Puts away a failed status: back to the loaded model, or to nothing. */
  dismissError(): void {
    if (this.status.kind !== 'failed') return;
    const report = this.report;
    this.setStatus(report ? readyStatus(report) : { kind: 'idle', note: '' });
  }

  private setStatus(status: ChatStatus): void {
    this.status = status;
    this.host.requestUpdate();
  }

  private fail(error: unknown, during: 'load' | 'generate'): void {
    const failedStatus = (friendly: FriendlyError): ChatStatus => {
      // A load that failed, a lost device and a crashed worker all leave no model loaded.
      const modelGone = during === 'load' || friendly.code === 'device-lost' || friendly.code === 'worker-crashed';
      if (modelGone) this.figures.stopPolling();
      return { kind: 'failed', error: friendly, during, report: modelGone ? undefined : this.report };
    };
    const shown = failedStatus(
      reportError(this.host, error, { canReloadModel: true }, (described) => {
        if (this.status === shown) this.setStatus(failedStatus(described));
      }),
    );
    this.setStatus(shown);
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
