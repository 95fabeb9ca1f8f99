import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { EngineLease } from '../client/engine-pool.js';
import { enginePool } from '../client/shared-client.js';
import { describeError, serializeError, type FriendlyError, type RecoveryAction } from '../core/errors.js';
import type { RestoredConversation } from '../core/saved-conversation.js';
import { RateSeries } from '../core/stats.js';
import {
  EdgeLlmDoneEvent,
  EdgeLlmErrorEvent,
  EdgeLlmProgressEvent,
  EdgeLlmReadyEvent,
  EdgeLlmTokenEvent,
  type EdgeLlmRecoverEvent,
} from '../events.js';
import type { ChatPersistence } from '../persistence/chat-persistence.js';
import type {
  ChatMessage,
  ComputeDevice,
  CustomModelSource,
  DeviceLoss,
  EngineId,
  GenerationStats,
  LoadProgress,
  LoadReport,
  MemorySnapshot,
  TokenBatch,
} from '../shared/engine-api.js';
import { loadSummary } from './load-progress.js';
import type { LiveFigures, StorageFigures } from './stats-panel.js';
import { StreamingText } from './streaming-text.js';
import { themeStyles } from './theme.js';
import type { ChatTurn } from './transcript.js';

type Status = 'idle' | 'loading' | 'ready' | 'generating';

const MEMORY_POLL_MS = 1000;
const LIVE_STATS_INTERVAL_MS = 100;
/**
 * After a lost GPU device the chat can reload the model on a fresh worker and device, keeping
 * the conversation; other elements (the benchmark) only know how to retry their own work.
 */
const DEVICE_LOST_ACTIONS: RecoveryAction[] = ['reload-model', 'pick-another-model', 'reload-page'];

/**
 * Chat with a small language model running on the visitor's GPU, with live tokens/s and memory.
 *
 * @summary An embeddable, streaming chat backed by an in-browser engine in a Web Worker.
 *
 * Persistence is opt-in: with `persist`, the conversation and settings are kept in this
 * origin's IndexedDB (database "edge-llm", store "conversations", record `storage-key`) and
 * restored on the next visit, even after a crash mid-reply (saved settings take precedence over
 * the attributes); a "Clear saved conversation and settings" button deletes them. While a model loads, a small crash marker is also kept in
 * localStorage ("edge-llm:run-intents") so the next visit can tell what was running if the tab
 * died. Without `persist` nothing is written to the host page's storage.
 *
 * @fires edge-llm-progress - Loading progress (`detail`: LoadProgress).
 * @fires edge-llm-ready - The model is loaded (`detail`: LoadReport).
 * @fires edge-llm-token - New output text (`detail`: { text, totalTokens }).
 * @fires edge-llm-done - A reply finished (`detail`: GenerationStats and the reply text).
 * @fires edge-llm-error - Something failed (`detail`: { code, title, message, actions }).
 * @fires edge-llm-recover - A remedy the host should perform (e.g. pick another model).
 *
 * @slot empty - Shown while the conversation is empty.
 *
 * @csspart transcript - The conversation (exported from the transcript).
 * @csspart input - The message box.
 * @csspart send-button - The Send button.
 * @csspart stop-button - The Stop button.
 * @csspart stats - The statistics panel (exported).
 * @csspart progress - The loading progress bar (exported).
 * @csspart chart - The tokens/s-over-time chart (exported from the statistics).
 *
 * @cssproperty --edge-llm-accent - Accent colour (buttons, your messages, focus ring).
 * @cssproperty --edge-llm-background - Background colour.
 * @cssproperty --edge-llm-surface - Background of model messages and stat tiles.
 * @cssproperty --edge-llm-text - Text colour.
 * @cssproperty --edge-llm-font - Font family.
 * @cssproperty --edge-llm-radius - Corner radius.
 * @cssproperty --edge-llm-spacing - Base spacing.
 * @cssproperty --edge-llm-accent-text - Text on the accent colour.
 * @cssproperty --edge-llm-muted - Secondary text.
 * @cssproperty --edge-llm-border - Borders.
 * @cssproperty --edge-llm-danger - Errors.
 * @cssproperty --edge-llm-ok - Good news (a model that fits).
 * @cssproperty --edge-llm-warn - Warnings (a tight fit, figures that disagree).
 * @cssproperty --edge-llm-mono - Monospace font.
 */
export class EdgeLlmChat extends LitElement {
  static override styles = [
    themeStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: var(--_space);
        background: var(--_bg);
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        padding: var(--_space);
        min-height: 24rem;
      }
      edge-llm-transcript {
        flex: 1 1 16rem;
        min-height: 12rem;
        max-height: 60vh;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
      }
      form {
        display: flex;
        gap: 0.5em;
        align-items: flex-end;
      }
      textarea {
        flex: 1;
        font: inherit;
        min-height: 2.6em;
        max-height: 10em;
        resize: vertical;
        padding: 0.5em 0.7em;
        border: 1px solid var(--_border);
        border-radius: calc(var(--_radius) * 0.7);
        background: var(--_bg);
        color: var(--_text);
      }
      .toolbar {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em;
        align-items: center;
        justify-content: space-between;
      }
      .status {
        font-size: 0.9em;
      }
      details.settings {
        font-size: 0.95em;
      }
      details.settings[open] .grid {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
        gap: var(--_space);
        margin-top: 0.5em;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 0.25em;
        font-size: 0.9em;
      }
      label.wide {
        grid-column: 1 / -1;
      }
      input,
      .settings textarea {
        font: inherit;
        padding: 0.35em 0.5em;
        border: 1px solid var(--_border);
        border-radius: calc(var(--_radius) * 0.6);
      }
      .saved {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em;
        align-items: center;
        justify-content: space-between;
        margin: 0;
        font-size: 0.85em;
        color: var(--_muted);
      }
      .empty {
        color: var(--_muted);
        margin: auto;
        text-align: center;
        padding: 2em 1em;
      }
    `,
  ];

  /** Engine that runs the model: "webllm" (default), "transformers", "llamacpp", or "double" (the test double). */
  @property() engine: EngineId = 'webllm';
  /** Catalog id of the model to load. */
  @property() model = '';
  /** Instructions sent before the conversation; empty sends none. */
  @property({ attribute: 'system-prompt' }) systemPrompt = 'You are a helpful, concise assistant.';
  /** Most tokens a reply may have. */
  @property({ type: Number, attribute: 'max-tokens' }) maxTokens = 512;
  /** Sampling temperature, 0 to 2; 0 decodes greedily (the same reply every time). */
  @property({ type: Number }) temperature = 0.7;
  /** Load the model as soon as the element is connected. */
  @property({ type: Boolean }) autoload = false;
  /** Show tokens/s, time to first token and memory under the chat. */
  @property({ type: Boolean, attribute: 'show-stats' }) showStats = true;
  /** The model's declared GPU memory in MiB, shown beside the measured figure. */
  @property({ type: Number, attribute: false }) declaredVramMB: number | undefined;
  /** True when `declaredVramMB` is an estimate rather than the engine's declaration. */
  @property({ type: Boolean, attribute: false }) vramIsEstimate = false;
  /** Extra catalog entries `model` may name (self-hosted web-llm models, for instance). */
  @property({ attribute: false }) customModels: CustomModelSource | undefined;
  /** Where the engine computes, for engines that offer a choice: "webgpu" (default) or "wasm". */
  @property() device: ComputeDevice = 'webgpu';
  /** CPU threads for engines that run them (llama.cpp); unset: the device's cores minus one. */
  @property({ type: Number }) threads: number | undefined;
  /** Save the conversation and settings on this device (IndexedDB) and restore them on return. */
  @property({ type: Boolean }) persist = false;
  /** Name of the saved record; chats on one origin that persist need different names. */
  @property({ attribute: 'storage-key' }) storageKey = 'default';

  @state() private status: Status = 'idle';
  @state() private progress: LoadProgress | undefined;
  @state() private loadReport: LoadReport | undefined;
  @state() private error: FriendlyError | undefined;
  @state() private turns: ChatTurn[] = [];
  @state() private live: LiveFigures | undefined;
  @state() private lastStats: GenerationStats | undefined;
  @state() private memory: MemorySnapshot | undefined;
  @state() private storage: StorageFigures | undefined;
  @state() private note = '';
  @state() private savedNote = '';

  @query('textarea[name="message"]') private input!: HTMLTextAreaElement;

  /** The model this element uses, shared with other elements that use the same one. */
  private lease: EngineLease | undefined;
  private loadedKey: string | undefined;
  private loading: Promise<LoadReport> | undefined;
  private nextTurnId = 1;
  private memoryTimer: ReturnType<typeof setInterval> | undefined;
  private lostDevicesSeen = 0;
  private stopCrashListener: (() => void) | undefined;
  private lastFailure: 'load' | 'generate' | undefined;
  private liveRenderedAt = 0;
  private stopLossListener: (() => void) | undefined;
  /** The settings before a saved record replaced them: what "Clear" goes back to. */
  private defaults: { systemPrompt: string; maxTokens: number; temperature: number } | undefined;
  /** Set while "Clear" resets the element, so the reset is not saved straight back. */
  private clearing = false;
  /** Present once a chat with `persist` has loaded its persistence code and read its record. */
  private persistence: ChatPersistence | undefined;
  private persistenceStarting: Promise<void> | undefined;

  override connectedCallback() {
    super.connectedCallback();
    this.addEventListener('edge-llm-recover', this.onRecover);
    this.addEventListener('edge-llm-cancel-load', this.onCancelLoad);
    if (this.autoload && this.model) void this.load().catch(() => undefined);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.removeEventListener('edge-llm-recover', this.onRecover);
    this.removeEventListener('edge-llm-cancel-load', this.onCancelLoad);
    this.stopMemoryPolling();
    this.releaseLease();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('persist') && this.persist) void this.startPersistence();
    if (
      this.persist &&
      !this.clearing &&
      (['systemPrompt', 'maxTokens', 'temperature', 'engine', 'model', 'device'] as const).some((name) =>
        changed.has(name),
      )
    ) {
      this.persistence?.changed();
    }
    // A different model or engine means the loaded one no longer answers for this element.
    if (
      (changed.has('model') || changed.has('engine') || changed.has('device')) &&
      this.loadedKey !== undefined &&
      this.loadedKey !== this.key()
    ) {
      this.status = this.status === 'generating' ? this.status : 'idle';
      this.loadReport = undefined;
    }
    if (
      (changed.has('model') || changed.has('engine') || changed.has('device') || changed.has('threads')) &&
      this.status !== 'generating'
    ) {
      if (this.lease && this.leaseKey(this.lease) !== this.key()) {
        this.releaseLease();
        this.stopMemoryPolling();
      }
    }
  }

  /** Loads the model named by `model` with `engine`. Resolves with how it went. */
  async load(): Promise<LoadReport> {
    if (!this.model) throw new Error('Set the "model" attribute before loading.');
    if (this.loading) return this.loading;
    // The crash marker below needs the persistence code: an autoloading chat may get here first.
    if (this.persist && !this.persistence) {
      await this.startPersistence();
      if (this.loading) return this.loading;
    }
    const key = this.key();
    this.error = undefined;
    this.note = '';
    this.status = 'loading';
    this.progress = {
      phase: 'preparing',
      fraction: undefined,
      loadedBytes: undefined,
      totalBytes: undefined,
      elapsedMs: 0,
      detail: '',
    };
    // Written before the load starts, removed however it ends, unless the tab dies first.
    const intent = this.persist
      ? this.persistence?.recordIntent({
          kind: 'load',
          engine: this.engine,
          model: this.model,
          device: this.device,
          ...(this.declaredVramMB ? { sizeBytes: this.declaredVramMB * 2 ** 20 } : {}),
        })
      : undefined;
    let phase = this.progress.phase;
    this.loading = this.acquire().load((progress) => {
      this.progress = progress;
      if (progress.phase !== phase) intent?.update({ phase: (phase = progress.phase) });
      this.dispatchEvent(new EdgeLlmProgressEvent(progress));
    }, this.customModels);
    try {
      const report = await this.loading;
      this.loadedKey = key;
      this.loadReport = report;
      this.status = 'ready';
      this.progress = undefined;
      this.note = loadSummary(report);
      this.startMemoryPolling();
      void this.refreshStorage();
      this.dispatchEvent(new EdgeLlmReadyEvent(report));
      return report;
    } catch (error) {
      this.progress = undefined;
      if ((error as Error).name === 'AbortError') {
        this.status = 'idle';
        this.note = 'Loading cancelled.';
      } else {
        this.fail(error, 'load');
      }
      throw error;
    } finally {
      intent?.clear();
      this.loading = undefined;
    }
  }

  /** Sends a user message and streams the reply. Loads the model first if needed. */
  async send(text: string): Promise<GenerationStats> {
    const content = text.trim();
    if (!content) throw new Error('Nothing to send.');
    if (this.status === 'generating') throw new Error('A reply is still streaming; stop it first.');
    if (this.loadedKey !== this.key() || this.status !== 'ready' || !this.lease?.loaded) await this.load();
    const lease = this.acquire();

    const history = this.history();
    const user: ChatTurn = { id: this.nextTurnId++, role: 'user', body: new StreamingText(content) };
    const reply: ChatTurn = { id: this.nextTurnId++, role: 'assistant', body: new StreamingText(), streaming: true };
    this.turns = [...this.turns, user, reply];
    this.error = undefined;
    this.status = 'generating';
    const series = new RateSeries();
    this.live = { outputTokens: 0, ttftMs: undefined, decodeTokensPerSecond: undefined, series: series.points };
    const transcript = this.renderRoot.querySelector('edge-llm-transcript');
    const unpin = reply.body.onWrite(() => transcript?.keepPinned());
    if (this.persist) void this.persistence?.saveNow();

    const messages: ChatMessage[] = [
      ...(this.systemPrompt.trim() ? [{ role: 'system' as const, content: this.systemPrompt.trim() }] : []),
      ...history,
      { role: 'user', content },
    ];
    try {
      const stats = await lease.generate(
        { messages, maxTokens: this.maxTokens, temperature: this.temperature },
        (batch) => this.onTokens(reply, batch, series),
      );
      reply.body.flush();
      reply.stats = stats;
      this.lastStats = stats;
      this.dispatchEvent(new EdgeLlmDoneEvent({ ...stats, text: reply.body.value }));
      return stats;
    } catch (error) {
      reply.body.flush();
      // A lost device was already reported; what the engine throws afterwards only repeats it.
      // (The compiler cannot see that the device-loss listener set `error` during the await.)
      if ((this.error as FriendlyError | undefined)?.code !== 'device-lost') this.fail(error, 'generate');
      throw error;
    } finally {
      unpin();
      reply.streaming = false;
      if (this.status === 'generating') this.status = 'ready';
      this.turns = [...this.turns];
      if (this.persist) void this.persistence?.saveNow();
      void this.pollMemory();
    }
  }

  /** Stops the reply in flight. The model stays loaded. */
  async stop(): Promise<void> {
    if (this.status === 'generating') await this.lease?.interrupt();
  }

  /** Frees the model's GPU memory; the conversation is kept. */
  async unload(): Promise<void> {
    if (this.status === 'generating') await this.stop();
    await this.lease?.unload();
    this.loadedKey = undefined;
    this.loadReport = undefined;
    this.status = 'idle';
    this.note = 'Model unloaded.';
    this.stopMemoryPolling();
    await this.pollMemory();
  }

  /** Token ids of the last reply, where the engine exposes them (to compare devices or engines). */
  outputTokenIds(): Promise<number[] | undefined> {
    return this.lease ? this.lease.client.lastOutputTokenIds() : Promise.resolve(undefined);
  }

  /** Starts a new conversation; the model stays loaded. */
  reset(): void {
    if (this.status === 'generating') void this.stop();
    this.turns = [];
    this.lastStats = undefined;
    this.live = undefined;
    if (this.error?.code === 'context-window-exceeded') this.error = undefined;
    if (this.persist && !this.clearing) void this.persistence?.saveNow();
  }

  /** Deletes the saved conversation and settings; starts over with the element's own settings. */
  async clearSaved(): Promise<void> {
    this.clearing = true;
    try {
      this.reset();
      if (this.defaults) Object.assign(this, this.defaults);
      await this.updateComplete;
    } finally {
      this.clearing = false;
    }
    await this.persistence?.clear();
    this.savedNote = 'Cleared: nothing is saved on this device until you chat or change a setting.';
  }

  override render() {
    return html`
      <div class="toolbar">
        <span class="status" role="status" aria-live="polite">${this.statusText()}</span>
        <span>
          ${
            this.status !== 'ready' && this.status !== 'generating'
              ? html`<button
                  type="button"
                  class="primary"
                  data-action="load"
                  ?disabled=${!this.model || this.status === 'loading'}
                  @click=${this.onLoadClick}
                >
                  Load model
                </button>`
              : nothing
          }
          ${
            this.status === 'ready'
              ? html`<button type="button" data-action="unload" @click=${() => void this.unload()}>Unload</button>`
              : nothing
          }
          <button
            type="button"
            data-action="new-conversation"
            ?disabled=${this.turns.length === 0}
            @click=${() => this.reset()}
          >
            New conversation
          </button>
        </span>
      </div>
      ${
        this.status === 'loading'
          ? html`<edge-llm-load-progress
              exportparts="progress"
              .progress=${this.progress}
              .modelId=${this.model}
            ></edge-llm-load-progress>`
          : nothing
      }
      ${this.error ? html`<edge-llm-error-panel .error=${this.error}></edge-llm-error-panel>` : nothing}
      <edge-llm-transcript exportparts="transcript" .turns=${this.turns}>
        <slot name="empty" slot="empty"
          ><p class="empty">Pick a model, load it, and say hello. Nothing leaves this device.</p></slot
        >
      </edge-llm-transcript>
      <form @submit=${this.onSubmit}>
        <label class="visually-hidden" for="message">Message</label>
        <textarea
          id="message"
          name="message"
          part="input"
          rows="2"
          placeholder="Message the model (Enter to send, Shift+Enter for a new line)"
          @keydown=${this.onKeyDown}
        ></textarea>
        ${
          this.status === 'generating'
            ? html`<button type="button" part="stop-button" data-action="stop" @click=${() => void this.stop()}>
                Stop
              </button>`
            : html`<button type="submit" part="send-button" class="primary" data-action="send" ?disabled=${!this.model}>
                Send
              </button>`
        }
      </form>
      <details class="settings">
        <summary>Settings</summary>
        <div class="grid">
          <label class="wide"
            >System prompt
            <textarea
              name="system-prompt"
              rows="2"
              .value=${this.systemPrompt}
              @change=${this.onSystemPrompt}
            ></textarea>
          </label>
          <label
            >Max tokens
            <input
              name="max-tokens"
              type="number"
              min="1"
              max="32768"
              step="1"
              .value=${String(this.maxTokens)}
              @change=${this.onMaxTokens}
            />
          </label>
          <label
            >Temperature
            <input
              name="temperature"
              type="number"
              min="0"
              max="2"
              step="0.05"
              .value=${String(this.temperature)}
              @change=${this.onTemperature}
            />
          </label>
        </div>
      </details>
      ${
        this.persist
          ? html`<p class="saved">
              <span aria-live="polite"
                >${this.savedNote || 'Your conversation and settings are saved on this device.'}</span
              >
              <button type="button" data-action="clear-saved" @click=${() => void this.clearSaved()}>
                Clear saved conversation and settings
              </button>
            </p>`
          : nothing
      }
      ${
        this.showStats
          ? html`<edge-llm-stats
              exportparts="stats, chart"
              .live=${this.live}
              .final=${this.lastStats}
              .memory=${this.memory}
              .storage=${this.storage}
              .declaredVramMB=${this.declaredVramMB}
              .vramIsEstimate=${this.vramIsEstimate}
              .generating=${this.status === 'generating'}
            ></edge-llm-stats>`
          : nothing
      }
    `;
  }

  /** The pool's entry for this element's engine, model and device, leased once. */
  private acquire(): EngineLease {
    if (this.lease && this.leaseKey(this.lease) === this.key()) return this.lease;
    this.releaseLease();
    const lease = enginePool().acquire({
      engine: this.engine,
      model: this.model,
      device: this.device,
      threads: this.threads,
    });
    this.lease = lease;
    this.stopCrashListener = lease.client.onCrash((error) =>
      this.fail(error, this.status === 'loading' ? 'load' : 'generate'),
    );
    this.stopLossListener = lease.client.onDeviceLost((loss) => this.onDeviceLost(loss));
    return lease;
  }

  private releaseLease(): void {
    this.stopCrashListener?.();
    this.stopCrashListener = undefined;
    this.stopLossListener?.();
    this.stopLossListener = undefined;
    this.lease?.release();
    this.lease = undefined;
    this.loadedKey = undefined;
  }

  private leaseKey(lease: EngineLease): string {
    return `${lease.key.engine}:${lease.key.model}:${lease.key.device}:${lease.key.threads ?? ''}`;
  }

  private key(): string {
    return `${this.engine}:${this.model}:${this.device}:${this.threads ?? ''}`;
  }

  private statusText(): string {
    switch (this.status) {
      case 'idle':
        return this.note || (this.model ? `Not loaded: ${this.model}` : 'No model chosen');
      case 'loading':
        return `Loading ${this.model}…`;
      case 'generating':
        return `Generating with ${this.model}…`;
      case 'ready':
        return `${this.model} ready. ${this.note}`;
    }
  }

  private history(): ChatMessage[] {
    return this.turns
      .filter((turn) => !turn.streaming && turn.body.value !== '')
      .map((turn) => ({ role: turn.role, content: turn.body.value }));
  }

  private onTokens(reply: ChatTurn, batch: TokenBatch, series: RateSeries): void {
    reply.body.append(batch.text);
    series.add(batch.tokens, batch.elapsedMs);
    if (this.persist) this.persistence?.changed();
    this.dispatchEvent(new EdgeLlmTokenEvent({ text: batch.text, totalTokens: batch.totalTokens }));
    // The figures re-render the panel: a few times a second is enough to read them, and keeps a
    // fast engine from spending the page's frames on statistics.
    const now = performance.now();
    if (batch.totalTokens > 1 && now - this.liveRenderedAt < LIVE_STATS_INTERVAL_MS) return;
    this.liveRenderedAt = now;
    const decodeMs = batch.elapsedMs - batch.firstTokenMs;
    this.live = {
      outputTokens: batch.totalTokens,
      ttftMs: batch.firstTokenMs,
      decodeTokensPerSecond: decodeMs > 0 ? ((batch.totalTokens - 1) * 1000) / decodeMs : undefined,
      series: [...series.points],
    };
  }

  private fail(error: unknown, during: 'load' | 'generate'): void {
    const described = describeError(serializeError(error));
    const friendly = described.code === 'device-lost' ? { ...described, actions: DEVICE_LOST_ACTIONS } : described;
    // Nothing is swallowed: the original goes to the console, the explanation to the page.
    console.error(`[edge-llm] ${friendly.code}:`, error);
    this.lastFailure = during;
    this.error = friendly;
    if (during === 'load' || friendly.code === 'device-lost' || friendly.code === 'worker-crashed') {
      this.status = 'idle';
      this.loadedKey = undefined;
      this.stopMemoryPolling();
    } else if (this.status === 'generating') {
      this.status = 'ready';
    }
    this.dispatchEvent(
      new EdgeLlmErrorEvent({
        code: friendly.code,
        title: friendly.title,
        message: friendly.message,
        actions: friendly.actions,
      }),
    );
  }

  private readonly onRecover = (event: EdgeLlmRecoverEvent) => {
    const { action } = event.detail;
    if (action === 'retry') {
      event.stopPropagation();
      const lastUser = [...this.turns].reverse().find((turn) => turn.role === 'user');
      if (this.lastFailure === 'generate' && lastUser && this.loadedKey === this.key()) {
        this.turns = this.turns.slice(0, this.turns.lastIndexOf(lastUser));
        void this.send(lastUser.body.value).catch(() => undefined);
      } else {
        void this.load().catch(() => undefined);
      }
    } else if (action === 'restart-worker' || action === 'reload-model') {
      // A fresh worker means a fresh GPU device: engines (ONNX Runtime in particular) keep the
      // device they started with, so a lost one cannot be replaced in the same worker.
      event.stopPropagation();
      this.lease?.restart();
      this.lostDevicesSeen = 0;
      void this.load().catch(() => undefined);
    } else if (action === 'new-conversation') {
      event.stopPropagation();
      this.reset();
      this.error = undefined;
    }
    // Other actions (pick another model, use the suggested one) belong to the host page.
  };

  private readonly onCancelLoad = () => {
    void this.lease?.cancelLoad();
  };

  private onLoadClick() {
    void this.load().catch(() => undefined);
  }

  private onSubmit(event: Event) {
    event.preventDefault();
    const text = this.input.value;
    if (!text.trim() || this.status === 'generating') return;
    this.input.value = '';
    void this.send(text).catch(() => undefined);
  }

  private onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.renderRoot.querySelector('form')?.requestSubmit();
    }
  }

  private onSystemPrompt(event: Event) {
    this.systemPrompt = (event.target as HTMLTextAreaElement).value;
  }

  private onMaxTokens(event: Event) {
    const value = Math.round(Number((event.target as HTMLInputElement).value));
    if (Number.isFinite(value) && value >= 1) this.maxTokens = value;
  }

  private onTemperature(event: Event) {
    const value = Number((event.target as HTMLInputElement).value);
    if (Number.isFinite(value) && value >= 0 && value <= 2) this.temperature = value;
  }

  private startMemoryPolling() {
    this.stopMemoryPolling();
    void this.pollMemory();
    this.memoryTimer = setInterval(() => void this.pollMemory(), MEMORY_POLL_MS);
  }

  private stopMemoryPolling() {
    if (this.memoryTimer !== undefined) clearInterval(this.memoryTimer);
    this.memoryTimer = undefined;
  }

  private async pollMemory() {
    try {
      if (!this.lease) return;
      const memory = await this.lease.memory();
      this.memory = memory;
      if (memory.lostDevices > this.lostDevicesSeen) {
        this.lostDevicesSeen = memory.lostDevices;
        if (this.status === 'ready') {
          this.fail(Object.assign(new Error('The GPU device was lost.'), { name: 'DeviceLostError' }), 'load');
        }
      }
    } catch {
      // A crashed worker reports itself through onCrash; a missed sample is harmless.
    }
  }

  /** Reported by the worker as soon as a device's `lost` promise resolves. */
  private onDeviceLost(loss: DeviceLoss) {
    this.lostDevicesSeen = Math.max(this.lostDevicesSeen, loss.lostDevices);
    if (this.status !== 'ready' && this.status !== 'generating') return;
    if (this.status === 'generating') void this.lease?.interrupt().catch(() => undefined);
    const detail = loss.message ? `${loss.reason}: ${loss.message}` : loss.reason;
    this.note = 'The GPU device was lost: reload the model to go on.';
    this.fail(Object.assign(new Error(`The GPU device was lost (${detail}).`), { name: 'DeviceLostError' }), 'load');
  }

  /** Loads the persistence code and restores the saved record; once per element. */
  private startPersistence(): Promise<void> {
    this.persistenceStarting ??= import('../persistence/chat-persistence.js')
      .then(async ({ ChatPersistence }) => {
        const persistence = new ChatPersistence(this, {
          key: () => this.storageKey,
          snapshot: () => ({
            savedAt: Date.now(),
            settings: {
              systemPrompt: this.systemPrompt,
              maxTokens: this.maxTokens,
              temperature: this.temperature,
              engine: this.engine,
              model: this.model,
              device: this.device,
            },
            turns: this.turns.map((turn) => ({
              role: turn.role,
              text: turn.body.value,
              ...(turn.stats ? { stats: turn.stats } : {}),
              ...(turn.streaming ? { partial: true } : {}),
            })),
          }),
          apply: (saved) => this.applySaved(saved),
        });
        await persistence.restore();
        this.persistence = persistence;
      })
      .catch((error: unknown) => console.warn('[edge-llm] could not start saving the conversation:', error));
    return this.persistenceStarting;
  }

  private applySaved(saved: RestoredConversation) {
    this.defaults = { systemPrompt: this.systemPrompt, maxTokens: this.maxTokens, temperature: this.temperature };
    const { systemPrompt, maxTokens, temperature } = saved.settings;
    if (systemPrompt !== undefined) this.systemPrompt = systemPrompt;
    if (maxTokens !== undefined) this.maxTokens = maxTokens;
    if (temperature !== undefined) this.temperature = temperature;
    // Whatever was typed while the record was being read wins over the saved conversation.
    if (this.turns.length > 0) return;
    // Saved text goes back in as text nodes, exactly like a reply that streams in.
    this.turns = saved.turns.map((turn) => ({
      id: this.nextTurnId++,
      role: turn.role,
      body: new StreamingText(turn.text),
      ...(turn.stats ? { stats: turn.stats } : {}),
    }));
  }

  private async refreshStorage() {
    const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
    if (estimate) this.storage = { usageBytes: estimate.usage, quotaBytes: estimate.quota };
  }
}
