import { LitElement, css, html } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatTurn, TurnText } from '../core/conversation.js';
import { formatDuration, formatRate } from '../core/format.js';
import { markdownStyles } from './markdown/markdown-styles.js';
import { StreamingText } from './streaming-text.js';

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
 * @summary Chat transcript that stays smooth for very long replies.
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
    .who {
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
    ${markdownStyles}
  `;

  @property({ attribute: false }) turns: ChatTurn[] = [];

  private readonly views = new Map<number, TurnView>();
  /** True while the view is scrolled to the end: new text keeps it there. */
  private pinned = true;
  private scroller: HTMLElement | null = null;
  private scrollFrame: number | undefined;
  /** Where the view was at the last scroll event: only a move up is the reader leaving the end. */
  private lastScrollTop = 0;

  override render() {
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
        (turn) =>
          html`<article class=${turn.role} data-role=${turn.role} aria-busy=${turn.streaming ? 'true' : 'false'}>
            <span class="who">${turn.role === 'user' ? 'You:' : 'Model:'}</span>
            ${this.textOf(turn)}
            ${
              turn.stats
                ? html`<div class="meta">
                    ${turn.stats.outputTokens} tokens · ${formatRate(turn.stats.decodeTokensPerSecond)} · first token
                    ${formatDuration(turn.stats.ttftMs)}${turn.stats.finishReason === 'aborted' ? ' · stopped' : ''}
                  </div>`
                : ''
            }
          </article>`,
      )}
    </div>`;
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
    if (turn.role === 'assistant') entry.view.renderMarkdown();
    // A finished reply shows all of its text at once, not a frame later.
    if (!turn.streaming) entry.view.flush();
    return entry.view.element;
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
