import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ConversationSummary } from '../../core/conversation-index.js';
import { EdgeLlmUnloadEvent, type EdgeLlmRecoverEvent, type EdgeLlmTurnActionEvent } from '../../events.js';
import type {
  ComputeDevice,
  CustomModelSource,
  EngineId,
  GenerationStats,
  LoadReport,
  MemorySnapshot,
} from '../../shared/engine-api.js';
import { formStyles } from '../shared-styles.js';
import { reportError } from '../report-error.js';
import { themeStyles } from '../theme.js';
import { chatStyles } from './chat.styles.js';
import { ChatCrashNotice } from './chat-crash-notice.js';
import { composerStyles } from './chat-composer.js';
import type { ChatConversations, ConversationExport } from './chat-conversations.js';
import { ComposerController } from './chat-keys.js';
import { ChatSession, type ChatSettings } from './chat-session.js';
import { renderSettings } from './chat-settings-view.js';
import { statusText } from './chat-status.js';

/**
 * Chat with a small language model running on the visitor's GPU, with live tokens/s and memory.
 *
 * @summary An embeddable, streaming chat backed by an in-browser engine in a Web Worker.
 *
 * Persistence is opt-in: with `persist`, conversations and their settings are kept in this
 * origin's IndexedDB (database "edge-llm", store "conversations", under `storage-key`) and the
 * open one is restored on the next visit, even after a crash mid-reply (saved settings take
 * precedence over the attributes). A Conversations panel (loaded when first opened) lists them
 * to open, search, rename, delete, export (Markdown, JSON) and import; opening one restores its
 * model and settings. "Clear saved conversation and settings" deletes the open one. While a model
 * loads, a small crash marker is also kept in localStorage ("edge-llm:run-intents") so the next
 * visit can tell what was running if the tab died: the chat then says so, with a smaller model to
 * try (choosing it fires edge-llm-model-select). Without `persist` nothing is written to the
 * host page's storage, and there is no list.
 *
 * Long conversations never hit the context window: before each reply the prompt is counted with
 * the engine's own tokenizer, and the oldest exchanges are left out when needed (the transcript
 * shows where the model's memory begins). Keyboard: Enter sends, Shift+Enter adds a line, Esc
 * stops a reply, Ctrl+Shift+O (⌘⇧O) starts a new conversation.
 *
 * @fires edge-llm-progress - Loading progress (`detail`: LoadProgress).
 * @fires edge-llm-ready - The model is loaded (`detail`: LoadReport).
 * @fires edge-llm-token - New output text (`detail`: { text, totalTokens }).
 * @fires edge-llm-done - A reply finished (`detail`: GenerationStats and the reply text).
 * @fires edge-llm-error - Something failed (`detail`: { code, title, message, actions }).
 * @fires edge-llm-recover - A remedy the host should perform (e.g. pick another model).
 * @fires edge-llm-model-select - A saved conversation was opened and its model chosen (`detail`: { modelId, engine }), so the page can follow.
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
  static override styles = [themeStyles, formStyles, chatStyles, composerStyles];

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
  /** Save conversations and their settings on this device (IndexedDB), list them, and restore the open one on return. */
  @property({ type: Boolean }) persist = false;
  /** Name of the saved record; chats on one origin that persist need different names. */
  @property({ attribute: 'storage-key' }) storageKey = 'default';
  /** With `persist`, report here a load of this chat that the last visit never finished (the app reports its own). */
  @property({ type: Boolean, attribute: false }) crashNotice = true;

  /** Set once the Conversations panel was opened: its element and code load on demand, then stay. */
  @state() private list: ChatConversations | undefined;

  private readonly session = new ChatSession(this);
  private readonly crash = new ChatCrashNotice(this);
  private libraryLoading: Promise<ChatConversations> | undefined;
  private readonly composer = new ComposerController(this, {
    send: (text) => this.send(text),
    editLastMessage: (text) => this.editLastMessage(text),
    stop: () => void this.stop(),
    newConversation: () => this.reset(),
    generating: () => this.session.status.kind === 'generating',
    canSend: () => Boolean(this.model),
    lastMessage: () => this.session.turns.findLast((turn) => turn.role === 'user')?.text.value,
    tooLong: () => this.session.error?.code === 'message-too-long',
  });

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

  /** Answers the last message again, replacing the last reply. */
  regenerate(): Promise<GenerationStats> {
    return this.session.regenerate();
  }

  /** Replaces the last message with `text` and answers it; the old reply is dropped. */
  editLastMessage(text: string): Promise<GenerationStats> {
    return this.session.editLastMessage(text);
  }

  /** Starts a new conversation; the model stays loaded, and a saved conversation stays in the list. */
  reset(): void {
    this.composer.reset();
    this.session.reset();
  }

  /** The saved conversations, newest first: id, title, dates, messages, model (empty without `persist`). */
  get conversations(): readonly ConversationSummary[] {
    return this.session.saving.conversations;
  }

  /** The open conversation's id; undefined until its first message is saved (or without `persist`). */
  get conversationId(): string | undefined {
    return this.session.saving.currentId;
  }

  /** Opens a saved conversation, with its model and settings (needs `persist`). */
  openConversation(id: string): Promise<void> {
    return this.library().then((library) => library.open(id));
  }

  /** Gives a saved conversation a title of its own (1 to 200 characters). */
  renameConversation(id: string, title: string): Promise<void> {
    return this.library().then((library) => library.rename(id, title));
  }

  /** Deletes a saved conversation; deleting the open one starts a new conversation. */
  deleteConversation(id: string): Promise<void> {
    return this.library().then((library) => library.remove(id));
  }

  /** A saved conversation (the open one by default) as a Markdown or JSON file: name, text, type. */
  exportConversation(format: 'markdown' | 'json', id?: string): Promise<ConversationExport> {
    return this.library().then((library) => library.exportAs(format, id));
  }

  /**
   * Imports a conversation file (JSON, `edge-llm/conversation@1`) and opens it; resolves with its
   * id. Rejects with a `ConversationFileInvalidError` whose message lists each problem on a line.
   */
  importConversation(json: string): Promise<string> {
    return this.library().then((library) => library.importText(json));
  }

  /** Deletes the open conversation (or a new one's settings) from this device; starts over with the element's own settings. */
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
        <span class="status" role="status" aria-live="polite">${statusText(status, this.model)}</span>
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
            aria-keyshortcuts=${this.composer.newConversationKeys}
            ?disabled=${this.session.turns.length === 0}
            @click=${() => this.reset()}
          >
            New conversation
          </button>
        </span>
      </div>
      ${this.persist ? this.renderConversations() : nothing}
      ${
        status.kind === 'loading'
          ? html`<edge-llm-load-progress
              exportparts="progress"
              .progress=${status.progress}
              .modelId=${this.model}
            ></edge-llm-load-progress>`
          : nothing
      }
      ${this.crash.render()}
      ${status.kind === 'failed' ? html`<edge-llm-error-panel .error=${status.error}></edge-llm-error-panel>` : nothing}
      <edge-llm-transcript
        exportparts="transcript"
        .turns=${this.session.turns}
        .memoryStart=${this.session.conversation.memoryStart}
        ?busy=${generating}
        @edge-llm-turn-action=${this.onTurnAction}
      >
        <slot name="empty" slot="empty"
          ><p class="empty">Pick a model, load it, and say hello. Nothing leaves this device.</p></slot
        >
      </edge-llm-transcript>
      ${this.composer.render()} ${renderSettings(this, (update) => Object.assign(this, update))}
      ${
        this.persist
          ? html`<p class="saved">
              <span aria-live="polite"
                >${this.session.saving.note || 'Your conversations and settings are saved on this device.'}</span
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

  /** The saved conversations, behind a disclosure; the list's code loads when it is first opened. */
  private renderConversations() {
    const count = this.conversations.length;
    return html`<details class="conversations" @toggle=${this.onConversationsToggle}>
      <summary>Conversations${count ? ` (${count})` : ''}</summary>
      ${
        this.list
          ? html`<edge-llm-conversations
              .library=${this.list}
              .conversations=${this.conversations}
              .current=${this.conversationId}
            ></edge-llm-conversations>`
          : html`<p class="muted">Loading the list…</p>`
      }
    </details>`;
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

  private onTurnAction(event: EdgeLlmTurnActionEvent) {
    event.stopPropagation();
    if (event.detail.action === 'regenerate') {
      void this.regenerate().catch(() => undefined);
      return;
    }
    this.composer.editLast();
  }

  /** The saved conversations' operations, loaded on first use (a chat that never opens the list never needs them). */
  private library(): Promise<ChatConversations> {
    this.libraryLoading ??= import('./chat-conversations.js').then(
      ({ ChatConversations }) => new ChatConversations(this.session),
    );
    return this.libraryLoading;
  }

  private async onConversationsToggle(event: Event) {
    if (!(event.target as HTMLDetailsElement).open || this.list) return;
    try {
      const [library] = await Promise.all([this.library(), import('../../define-conversations.js')]);
      this.list = library;
    } catch (error) {
      // A chunk that could not be fetched (offline, a new deploy): say so; the chat still works.
      reportError(this, error);
    }
  }
}
