import { LitElement, adoptStyles, css, html, type CSSResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { forgottenMessages, type ChatTurn, type TurnText } from '../core/conversation.js';
import { formatDuration, formatRate } from '../core/format.js';
import { EdgeLlmTurnActionEvent, type TurnAction } from '../events.js';
import { loadMarkdown } from './markdown/load-markdown.js';
import { StreamingText } from './streaming-text.js';
import type * as TurnToolsModule from './turn-actions.js';

type TurnTools = typeof TurnToolsModule;

let turnToolsLoading: Promise<TurnTools> | undefined;

/** The buttons under messages and the memory separator, loaded once, with the first message. */
function loadTurnTools(): Promise<TurnTools> {
  turnToolsLoading ??= import('./turn-actions.js').catch((error: unknown) => {
    turnToolsLoading = undefined;
    throw error;
  });
  return turnToolsLoading;
}

/** A turn's text on screen, following the turn's appends. */
interface TurnView {
  text: TurnText;
  view: StreamingText;
  unsubscribe: () => void;
}

/**
 * The conversation. Model output is placed as text nodes, never parsed as HTML. The turns are
 * data; this view owns the nodes each turn's text is written into, and writes a streaming reply's
 * new text once per frame. Replies show as Markdown (built element by element, links and code
 * included, never from markup); your own messages show exactly as typed.
 *
 * Under each message: Copy (with a visible confirmation, and the text selected for the person
 * where the browser refuses to copy); on the last exchange, Regenerate and Edit, which the chat
 * performs. Where the model's memory of a long conversation begins, a separator says how many
 * earlier messages it no longer sees. The buttons and the separator load with the first message,
 * and the Markdown stylesheet with the renderer: neither is in the page's first bundle.
 *
 * @summary Chat transcript that stays smooth for very long replies.
 * @fires edge-llm-turn-action - Regenerate or Edit was pressed (`detail`: { action, turnId }).
 * @csspart transcript - The scrolling conversation.
 * @slot empty - Shown while the conversation is empty.
 */
export class EdgeLlmTranscript extends LitElement {
  static override styles = css`
    :host {
      display: block;
      min-height: 0;
    }
    [part='transcript'] {
      box-sizing: border-box;
      height: 100%;
      overflow-y: auto;
      overscroll-behavior: contain;
      padding: var(--_space, 12px);
      display: flex;
      flex-direction: column;
      gap: var(--_space, 12px);
    }
    article {
      max-width: min(46rem, 92%);
      padding: 0.6em 0.85em;
      border-radius: var(--_radius, 10px);
      line-height: 1.5;
    }
    article.user {
      align-self: flex-end;
      background: var(--_accent, #2563eb);
      color: var(--_accent-text, #fff);
    }
    article.assistant {
      align-self: flex-start;
      background: var(--_surface, #f4f5f7);
    }
    .text {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .text .block {
      display: block;
      contain: content;
      content-visibility: auto;
      contain-intrinsic-size: auto 3em;
    }
    .meta {
      font-size: 0.75em;
      color: var(--_muted, #5b6270);
      margin-top: 0.4em;
    }
    .who,
    .copy-status {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
    [part='transcript']:focus-visible {
      outline: 3px solid var(--_accent, #2563eb);
      outline-offset: -3px;
    }
  `;

  @property({ attribute: false }) turns: ChatTurn[] = [];
  /** Turns before this index are no longer shown to the model; 0 while it sees them all. */
  @property({ attribute: false }) memoryStart = 0;
  /** A reply is on its way: nothing can be regenerated or edited until it ends. */
  @property({ type: Boolean }) busy = false;

  /** The buttons under messages and the memory separator, once their module has loaded. */
  @state() private tools: TurnTools | undefined;
  /** Stylesheets loaded after the first render: the turn tools', the Markdown renderer's. */
  private readonly lateStyles: CSSResult[] = [];
  private toolsRequested = false;

  /** The copy button that last reported, and what it says. */
  @state() private copied: { id: number; note: string } | undefined;
  private copiedTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly views = new Map<number, TurnView>();
  /** True while the view is scrolled to the end: new text keeps it there. */
  private pinned = true;
  private scroller: HTMLElement | null = null;
  private scrollFrame: number | undefined;
  /** The Markdown stylesheet is in this view's shadow root, or on its way. */
  private markdownStyled = false;
  /** Where the view was at the last scroll event: only a move up is the reader leaving the end. */
  private lastScrollTop = 0;

  override render() {
    const lastUser = this.turns.findLastIndex((turn) => turn.role === 'user');
    const lastReply = this.turns.findLastIndex((turn) => turn.role === 'assistant');
    const forgotten = forgottenMessages(this.turns, this.memoryStart);
    const tools = this.tools;
    if (!tools && this.turns.length > 0) this.requestTools();
    return html`<div
        part="transcript"
        role="log"
        aria-label="Conversation"
        aria-live="polite"
        aria-relevant="additions"
        tabindex="0"
        @scroll=${this.onScroll}
      >
        ${this.turns.length === 0 ? html`<slot name="empty"></slot>` : ''}
        ${repeat(
          this.turns,
          (turn) => turn.id,
          (turn, index) =>
            html`${tools && index === this.memoryStart && forgotten > 0 ? tools.memorySeparator(forgotten) : ''}
              <article class=${turn.role} data-role=${turn.role} aria-busy=${turn.streaming ? 'true' : 'false'}>
                <span class="who">${turn.role === 'user' ? 'You:' : 'Model:'}</span>
                ${this.textOf(turn)}
                ${
                  turn.stats
                    ? html`<div class="meta">
                        ${turn.stats.outputTokens} tokens · ${formatRate(turn.stats.decodeTokensPerSecond)} · first
                        token
                        ${formatDuration(turn.stats.ttftMs)}${turn.stats.finishReason === 'aborted' ? ' · stopped' : ''}
                      </div>`
                    : ''
                }
                ${
                  tools?.turnActions(
                    turn,
                    {
                      lastUser: index === lastUser,
                      lastReply: index === lastReply && lastReply > lastUser,
                      busy: this.busy,
                      copyNote: this.copied?.id === turn.id ? this.copied.note : undefined,
                    },
                    this.handlers,
                  ) ?? ''
                }
              </article>`,
        )}
      </div>
      <p class="copy-status" aria-live="polite">${this.copied ? `${this.copied.note}.` : ''}</p>`;
  }

  private readonly handlers = {
    copy: (turn: ChatTurn, article: HTMLElement) => void this.copy(turn, article),
    act: (turn: ChatTurn, action: TurnAction) =>
      this.dispatchEvent(new EdgeLlmTurnActionEvent({ action, turnId: turn.id })),
  };

  /** Copies a message's text; says so on its button for a moment, or selects it where copying is refused. */
  private async copy(turn: ChatTurn, article: HTMLElement): Promise<void> {
    // The button exists only once the tools have loaded.
    const { copyText, selectText } = this.tools!;
    const copied = await copyText(turn.text.value, this.renderRoot);
    if (!copied) selectText(article.querySelector('.text') ?? article);
    this.copied = { id: turn.id, note: copied ? 'Copied' : 'Selected: press Ctrl+C to copy' };
    clearTimeout(this.copiedTimer);
    this.copiedTimer = setTimeout(() => (this.copied = undefined), 2500);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    for (const entry of this.views.values()) entry.unsubscribe();
    this.views.clear();
  }

  protected override willUpdate() {
    // Turns gone from the conversation (a new one, a retry) stop following their text.
    const live = new Set(this.turns.map((turn) => turn.id));
    for (const [id, entry] of this.views) {
      if (live.has(id)) continue;
      entry.unsubscribe();
      this.views.delete(id);
    }
  }

  override firstUpdated() {
    this.scroller = this.renderRoot.querySelector('[part="transcript"]');
  }

  override updated() {
    this.keepPinned();
  }

  /** Keeps the end in view after new text, unless the reader scrolled up. One layout read a frame. */
  keepPinned(): void {
    if (!this.pinned || this.scrollFrame !== undefined) return;
    this.scrollFrame = requestAnimationFrame(() => {
      this.scrollFrame = undefined;
      if (this.scroller && this.pinned) this.scroller.scrollTop = this.scroller.scrollHeight;
    });
  }

  /** The node holding a turn's text, made once per turn and kept across renders. */
  private textOf(turn: ChatTurn): HTMLElement {
    let entry = this.views.get(turn.id);
    if (entry?.text !== turn.text) {
      entry?.unsubscribe();
      const view = new StreamingText(turn.text.value);
      view.onWrite(() => this.keepPinned());
      entry = { text: turn.text, view, unsubscribe: turn.text.onAppend((piece) => view.append(piece)) };
      this.views.set(turn.id, entry);
    }
    // Replies show as Markdown; asked on every render, so one whose renderer failed to load
    // tries again with the next reply.
    if (turn.role === 'assistant') {
      this.adoptMarkdownStyles();
      entry.view.renderMarkdown();
    }
    // A finished reply shows all of its text at once, not a frame later.
    if (!turn.streaming) entry.view.flush();
    return entry.view.element;
  }

  /**
   * The Markdown stylesheet loads with the renderer, outside the first bundle; it joins this
   * view's styles before the first reply is redrawn as Markdown (the same load, settled first).
   */
  private adoptMarkdownStyles(): void {
    if (this.markdownStyled) return;
    this.markdownStyled = true;
    loadMarkdown().then(
      ({ markdownStyles }) => this.addStyles(markdownStyles),
      () => (this.markdownStyled = false),
    );
  }

  private requestTools(): void {
    if (this.toolsRequested) return;
    this.toolsRequested = true;
    loadTurnTools().then(
      (tools) => {
        this.addStyles(tools.turnActionStyles);
        this.tools = tools;
      },
      (error: unknown) => {
        this.toolsRequested = false;
        console.warn('[edge-llm] The message buttons did not load; they come with the next message.', error);
      },
    );
  }

  private addStyles(styles: CSSResult): void {
    this.lateStyles.push(styles);
    if (this.renderRoot instanceof ShadowRoot) {
      adoptStyles(this.renderRoot, [...EdgeLlmTranscript.elementStyles, ...this.lateStyles]);
    }
  }

  /**
   * The reader left the end only by scrolling up. Our own scroll to the end can arrive as an event
   * after more text made the view taller (the event fires a frame later), so "not at the end" alone
   * would wrongly stop following the reply.
   */
  private onScroll() {
    const scroller = this.scroller;
    if (!scroller) return;
    const atEnd = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 24;
    if (atEnd) this.pinned = true;
    else if (scroller.scrollTop < this.lastScrollTop) this.pinned = false;
    this.lastScrollTop = scroller.scrollTop;
    if (this.pinned && !atEnd) this.keepPinned();
  }
}
