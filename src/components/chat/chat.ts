import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query } from 'lit/decorators.js';
import { EdgeLlmUnloadEvent, type EdgeLlmRecoverEvent } from '../../events.js';
import type {
  ComputeDevice,
  CustomModelSource,
  EngineId,
  GenerationStats,
  LoadReport,
  MemorySnapshot,
} from '../../shared/engine-api.js';
import { formStyles } from '../shared-styles.js';
import { themeStyles } from '../theme.js';
import { chatStyles } from './chat.styles.js';
import { ChatSession, type ChatSettings } from './chat-session.js';

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
 * @fires edge-llm-unload - The model was unloaded (`unload()` or the Unload button).
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
export class EdgeLlmChat extends LitElement implements ChatSettings {
  static override styles = [themeStyles, formStyles, chatStyles];

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

  @query('textarea[name="message"]') private input!: HTMLTextAreaElement;

  private readonly session = new ChatSession(this);

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
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    this.session.settingsChanged(new Set(changed.keys()));
  }

  /** Loads the model named by `model` with `engine`. Resolves with how it went. */
  load(): Promise<LoadReport> {
    return this.session.load();
  }

  /** Sends a user message and streams the reply. Loads the model first if needed. */
  send(text: string): Promise<GenerationStats> {
    return this.session.send(text);
  }

  /** Stops the reply in flight. The model stays loaded. */
  stop(): Promise<void> {
    return this.session.stop();
  }

  /** Frees the model's GPU memory; the conversation is kept. */
  async unload(): Promise<void> {
    await this.session.unload();
    this.dispatchEvent(new EdgeLlmUnloadEvent());
  }

  /**
   * The memory the engine's worker holds now, measured there: GPU bytes alive and the peak since
   * the last reply began, the worker's JS heap. Undefined before the element has used a worker.
   */
  memory(): Promise<MemorySnapshot | undefined> {
    return this.session.memory();
  }

  /** Token ids of the last reply, where the engine exposes them (to compare devices or engines). */
  outputTokenIds(): Promise<number[] | undefined> {
    return this.session.outputTokenIds();
  }

  /** Starts a new conversation; the model stays loaded. */
  reset(): void {
    this.session.reset();
  }

  /** Deletes the saved conversation and settings; starts over with the element's own settings. */
  clearSaved(): Promise<void> {
    return this.session.clearSaved();
  }

  override render() {
    const { status, figures } = this.session;
    const loaded =
      status.kind === 'ready' || status.kind === 'generating' || (status.kind === 'failed' && status.report);
    const generating = status.kind === 'generating';
    return html`
      <div class="toolbar">
        <span class="status" role="status" aria-live="polite">${this.statusText()}</span>
        <span>
          ${
            loaded
              ? nothing
              : html`<button
                  type="button"
                  class="primary"
                  data-action="load"
                  ?disabled=${!this.model || status.kind === 'loading'}
                  @click=${this.onLoadClick}
                >
                  Load model
                </button>`
          }
          ${
            loaded && !generating
              ? html`<button type="button" data-action="unload" @click=${() => void this.unload()}>Unload</button>`
              : nothing
          }
          <button
            type="button"
            data-action="new-conversation"
            ?disabled=${this.session.turns.length === 0}
            @click=${() => this.reset()}
          >
            New conversation
          </button>
        </span>
      </div>
      ${
        status.kind === 'loading'
          ? html`<edge-llm-load-progress
              exportparts="progress"
              .progress=${status.progress}
              .modelId=${this.model}
            ></edge-llm-load-progress>`
          : nothing
      }
      ${status.kind === 'failed' ? html`<edge-llm-error-panel .error=${status.error}></edge-llm-error-panel>` : nothing}
      <edge-llm-transcript exportparts="transcript" .turns=${this.session.turns}>
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
          generating
            ? html`<button type="button" part="stop-button" data-action="stop" @click=${() => void this.stop()}>
                Stop
              </button>`
            : html`<button type="submit" part="send-button" class="primary" data-action="send" ?disabled=${!this.model}>
                Send
              </button>`
        }
      </form>
      ${this.renderSettings()}
      ${
        this.persist
          ? html`<p class="saved">
              <span aria-live="polite"
                >${this.session.saving.note || 'Your conversation and settings are saved on this device.'}</span
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
              .live=${figures.live}
              .final=${figures.lastStats}
              .memory=${figures.memory}
              .storage=${figures.storage}
              .declaredVramMB=${this.declaredVramMB}
              .vramIsEstimate=${this.vramIsEstimate}
              .generating=${generating}
            ></edge-llm-stats>`
          : nothing
      }
    `;
  }

  private renderSettings() {
    return html`<details class="settings">
      <summary>Settings</summary>
      <div class="grid">
        <label class="wide"
          >System prompt
          <textarea name="system-prompt" rows="2" .value=${this.systemPrompt} @change=${this.onSystemPrompt}></textarea>
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
    </details>`;
  }

  private statusText(): string {
    const status = this.session.status;
    switch (status.kind) {
      case 'idle':
        return status.note || (this.model ? `Not loaded: ${this.model}` : 'No model chosen');
      case 'loading':
        return `Loading ${this.model}…`;
      case 'generating':
        return `Generating with ${this.model}…`;
      case 'ready':
        return `${this.model} ready. ${status.note}`;
      case 'failed':
        if (status.report) return `${this.model} ready.`;
        if (status.error.code === 'device-lost') return 'The GPU device was lost: reload the model to go on.';
        return this.model ? `Not loaded: ${this.model}` : 'No model chosen';
    }
  }

  private readonly onRecover = (event: EdgeLlmRecoverEvent) => {
    // Other actions (pick another model, use the suggested one) belong to the host page.
    if (this.session.recover(event.detail.action)) event.stopPropagation();
  };

  private readonly onCancelLoad = () => {
    this.session.cancelLoad();
  };

  private onLoadClick() {
    void this.load().catch(() => undefined);
  }

  private onSubmit(event: Event) {
    event.preventDefault();
    const text = this.input.value;
    if (!text.trim() || this.session.status.kind === 'generating') return;
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
}
