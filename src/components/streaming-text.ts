/**
 * Appends streamed model output to the page, at a cost per token that does not grow with the
 * length of the reply.
 *
 * - Text only: every piece becomes a `Text` node, never parsed markup, so model output cannot
 *   become live HTML or script.
 * - Constant cost: tokens are buffered and written once per animation frame, into the last of
 *   many small paragraph blocks. Layout only redoes that block; finished blocks are skipped by
 *   `content-visibility: auto` when off screen.
 * - Markdown on request ({@link StreamingText.renderMarkdown}): the same text, shown through the
 *   Markdown renderer once its code has loaded, which keeps both rules above.
 */
import { loadMarkdown } from './markdown/load-markdown.js';
import type { MarkdownView } from './markdown/markdown-view.js';

/** A block is closed at a paragraph break, or at a space once it is this long. */
const MAX_BLOCK_CHARS = 600;

export class StreamingText {
  /** The element holding the text; place it anywhere in the page. */
  readonly element: HTMLDivElement;
  private block: HTMLElement | undefined;
  private node: Text | undefined;
  private blockChars = 0;
  private pending = '';
  private frame: number | undefined;
  private text = '';
  private readonly listeners = new Set<() => void>();
  private markdown: MarkdownView | undefined;
  private markdownRequested = false;

  constructor(initial = '', className = 'text') {
    this.element = document.createElement('div');
    this.element.className = className;
    if (initial) this.write(initial);
  }

  /** The full text so far, including what is waiting for the next frame. */
  get value(): string {
    return this.text + this.pending;
  }

  /** Queues text; it is written at the next animation frame. */
  append(text: string): void {
    if (!text) return;
    this.pending += text;
    this.frame ??= requestAnimationFrame(() => this.flush());
  }

  /** Writes queued text now (end of reply, or a test that needs the DOM current). */
  flush(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.write(text);
    for (const listener of this.listeners) listener();
  }

  /** Called after each write, e.g. to keep the transcript scrolled to the end. */
  onWrite(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Shows the text as Markdown from now on (model replies). Until the renderer's code has loaded,
   * and for good if it cannot load, the text shows plain; then it is redrawn in place.
   */
  renderMarkdown(): void {
    if (this.markdownRequested) return;
    this.markdownRequested = true;
    loadMarkdown().then(
      ({ MarkdownView }) => {
        this.element.replaceChildren();
        this.element.classList.add('markdown');
        this.closeBlock();
        this.markdown = new MarkdownView(this.element);
        this.markdown.append(this.text);
        for (const listener of this.listeners) listener();
      },
      (error: unknown) => {
        this.markdownRequested = false;
        console.warn('[edge-llm] The Markdown renderer did not load; this reply shows as plain text.', error);
      },
    );
  }

  private write(text: string): void {
    this.text += text;
    if (this.markdown) {
      this.markdown.append(text);
      return;
    }
    // Paragraph breaks start a new block; the break itself stays visible as spacing.
    const parts = text.split(/(\n\n+)/);
    for (const part of parts) {
      if (!part) continue;
      if (/^\n\n+$/.test(part)) {
        this.appendToBlock(part);
        this.closeBlock();
        continue;
      }
      let rest = part;
      while (rest) {
        const room = MAX_BLOCK_CHARS - this.blockChars;
        if (rest.length <= room) {
          this.appendToBlock(rest);
          break;
        }
        // Break at the last space that fits, so words are never split across blocks.
        const space = rest.lastIndexOf(' ', room);
        const cut = space > 0 ? space + 1 : room > 0 ? room : rest.length;
        this.appendToBlock(rest.slice(0, cut));
        this.closeBlock();
        rest = rest.slice(cut);
      }
    }
  }

  private appendToBlock(text: string): void {
    if (!this.block || !this.node) {
      this.block = document.createElement('span');
      this.block.className = 'block';
      this.node = document.createTextNode('');
      this.block.append(this.node);
      this.element.append(this.block);
      this.blockChars = 0;
    }
    this.node.appendData(text);
    this.blockChars += text.length;
  }

  private closeBlock(): void {
    this.block = undefined;
    this.node = undefined;
    this.blockChars = 0;
  }
}
