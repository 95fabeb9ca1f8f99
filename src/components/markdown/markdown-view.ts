/**
 * Shows a streaming reply as Markdown, at a cost per update that does not grow with the reply.
 *
 * Each top-level block sits in its own wrapper, and wrappers sit in chunks of a few. Blocks the
 * stream has settled are never touched again; only the open end of the reply is lexed, described
 * and patched on each update. Chunks are skipped by layout and paint when off screen
 * (`content-visibility: auto`), and keep the number of boxes the browser walks on each frame
 * small: a long reply has hundreds of blocks, but tens of chunks. This module and the Markdown
 * parser load on demand, outside the page's first bundle (see load-markdown.ts).
 */
import { MarkdownBlockStream } from '../../core/markdown-blocks.js';
import { describeBlock, type MdElement } from '../../core/markdown-nodes.js';
import { build, patch } from './dom-patch.js';

/** The view's stylesheet travels in its chunk; the element that shows replies adopts it. */
export { markdownStyles } from './markdown-styles.js';

/** Blocks per chunk. */
const CHUNK_BLOCKS = 16;

interface RenderedBlock {
  description: MdElement;
  wrapper: HTMLElement;
}

export class MarkdownView {
  private readonly stream = new MarkdownBlockStream();
  /**
   * The wrapper of every settled token, by its index (undefined for tokens that show nothing).
   * Their descriptions are let go: a settled block only changes when a link definition arrives
   * late, and is then built again.
   */
  private readonly settled: (HTMLElement | undefined)[] = [];
  private open: RenderedBlock[] = [];
  private chunk: HTMLElement | undefined;
  private chunkBlocks = 0;

  /** Renders into `root`, which it takes over: its children are the reply's blocks. */
  constructor(private readonly root: HTMLElement) {}

  /** Adds text to the reply and updates the open blocks. */
  append(text: string): void {
    const update = this.stream.append(text);
    const previous = this.open;
    let reused = 0;
    const rendered = [...update.settled, ...update.open].map((token) => {
      const description = describeBlock(token);
      if (!description) return undefined;
      const before = previous[reused];
      reused += 1;
      return before ? this.patchBlock(before, description) : this.appendBlock(description);
    });
    for (const gone of previous.slice(reused)) gone.wrapper.remove();
    this.settled.push(...rendered.slice(0, update.settled.length).map((block) => block?.wrapper));
    this.open = rendered.slice(update.settled.length).filter((block) => block !== undefined);
    for (const { index, token } of update.revised) {
      const wrapper = this.settled[index];
      const description = describeBlock(token);
      if (wrapper && description) wrapper.replaceChildren(build(description), '\n');
    }
  }

  private appendBlock(description: MdElement): RenderedBlock {
    const wrapper = document.createElement('div');
    wrapper.className = 'md-block';
    // The line break keeps blocks apart in textContent (what tests, copy fallbacks and
    // assistive tools that read text see); it renders as nothing.
    wrapper.append(build(description), '\n');
    if (!this.chunk || this.chunkBlocks >= CHUNK_BLOCKS) {
      this.chunk = document.createElement('div');
      this.chunk.className = 'md-chunk';
      this.chunkBlocks = 0;
      this.root.append(this.chunk);
    }
    this.chunk.append(wrapper);
    this.chunkBlocks += 1;
    return { description, wrapper };
  }

  private patchBlock(block: RenderedBlock, description: MdElement): RenderedBlock {
    const node = block.wrapper.firstChild;
    if (node) patch(node, block.description, description);
    return { description, wrapper: block.wrapper };
  }
}
