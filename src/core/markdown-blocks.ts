/**
 * Splits a Markdown reply that arrives piece by piece into blocks that are settled (no later text
 * can change them) and blocks that are still open, so a renderer lexes and redraws only the open
 * end of a reply, however long it grows. Pure: no DOM.
 *
 * Settling rule: a block is settled once another block has begun after it and the first line of
 * the newest block is complete. Whether a new block continues the one before it (another list
 * item, a lazy continuation line) is decided by that first line; once it is known, nothing later
 * can reach back past it. The only Markdown that reaches further back is a link reference
 * definition written after its use (`[the paper][1]` ... `[1]: https://...`, as models cite):
 * when one settles, the settled blocks that name its label are lexed again and reported.
 */
import { Lexer, type Links, type MarkedOptions, type Token, type Tokens } from 'marked';

/**
 * How replies are read: GitHub-flavoured Markdown (tables, strikethrough, autolinks) with single
 * newlines kept as line breaks, as chat replies (poems, addresses, steps) are written.
 */
export const MARKDOWN_OPTIONS: MarkedOptions = { gfm: true, breaks: true };

/** What changed after some text arrived. */
export interface BlockUpdate {
  /** Blocks that settled with this text; they will never be part of an update again. */
  settled: Token[];
  /** The blocks after them, lexed from the open end of the reply; later text may change them. */
  open: Token[];
  /**
   * Blocks settled earlier that a link definition in this text changed, by their index among all
   * settled tokens (counting every token `settled` ever held, in order).
   */
  revised: { index: number; token: Token }[];
}

/** Labels as marked keys its link definitions: lower case, runs of white space as one space. */
const normalizeLabel = (text: string) => text.toLowerCase().replace(/\s+/g, ' ');

export class MarkdownBlockStream {
  /** The text of the open blocks: everything after the last settled block. */
  private tail = '';
  /** A carriage return at the end of a piece, held back in case the next piece starts with "\n". */
  private heldReturn = false;
  private readonly links: Links = Object.create(null) as Links;
  /** Tokens settled so far. */
  private settledTotal = 0;
  /** Settled blocks with bracketed text that a later definition could turn into a link, by index. */
  private readonly bracketed = new Map<number, string>();
  /** Each label's definition (destination and title) as the blocks were last lexed with it. */
  private linksSeen = new Map<string, string>();

  /** Characters of the reply that are in open blocks (what every update lexes again). */
  get openLength(): number {
    return this.tail.length;
  }

  /** Adds text to the reply and lexes its open end. */
  append(text: string): BlockUpdate {
    let piece = (this.heldReturn ? '\r' : '') + text;
    this.heldReturn = piece.endsWith('\r');
    if (this.heldReturn) piece = piece.slice(0, -1);
    this.tail += piece.replace(/\r\n?/g, '\n');
    return this.lexTail();
  }

  private lex(text: string, links: Links): Token[] {
    const lexer = new Lexer(MARKDOWN_OPTIONS);
    Object.assign(lexer.tokens.links, links);
    return lexer.lex(text);
  }

  private lexTail(): BlockUpdate {
    const tokens = this.lex(this.tail, this.links);
    let count = this.settledCount(tokens);
    const settledText = tokens
      .slice(0, count)
      .map((token) => token.raw)
      .join('');
    // Tokens that do not spell out the text exactly would cut the reply in the wrong place: keep
    // everything open instead (correct, only slower).
    if (!this.tail.startsWith(settledText)) count = 0;
    const settled = tokens.slice(0, count);
    if (count > 0) this.tail = this.tail.slice(settledText.length);
    const before = this.settledTotal;
    settled.forEach((token, offset) => {
      if (token.type === 'def') {
        const { tag, href, title } = token as Tokens.Def;
        // The first definition of a label wins, as in CommonMark.
        this.links[tag] ??= { href, title };
      } else if (token.type !== 'code' && /\[[^\]]*\]/.test(token.raw)) {
        this.bracketed.set(before + offset, token.raw);
      }
    });
    this.settledTotal += count;
    const open = tokens.slice(count);
    return { settled, open, revised: this.reviseForDefinitions(open, before) };
  }

  /**
   * Lexes again the blocks settled before `before` that name a label whose definition is new or
   * changed (a definition in an open block may still be growing). Blocks settled in this update
   * were lexed with every definition already.
   */
  private reviseForDefinitions(open: Token[], before: number): BlockUpdate['revised'] {
    const links: Links = Object.assign(Object.create(null) as Links, this.links);
    for (const token of open) {
      if (token.type !== 'def') continue;
      const { tag, href, title } = token as Tokens.Def;
      links[tag] ??= { href, title };
    }
    const seen = new Map(Object.entries(links).map(([label, { href, title }]) => [label, `${href}\n${title ?? ''}`]));
    const changed = [...new Set([...seen.keys(), ...this.linksSeen.keys()])].filter(
      (label) => seen.get(label) !== this.linksSeen.get(label),
    );
    this.linksSeen = seen;
    if (changed.length === 0) return [];
    const revised: BlockUpdate['revised'] = [];
    for (const [index, raw] of this.bracketed) {
      if (index >= before) continue;
      const text = normalizeLabel(raw);
      if (!changed.some((label) => text.includes(`[${label}]`))) continue;
      const blocks = this.lex(raw, links).filter((token) => token.type !== 'space');
      if (blocks.length === 1 && blocks[0]) revised.push({ index, token: blocks[0] });
    }
    return revised;
  }

  /** How many leading tokens are settled by the rule above. */
  private settledCount(tokens: Token[]): number {
    const blocks = tokens.flatMap((token, index) => (token.type === 'space' ? [] : [index]));
    const newest = blocks.at(-1);
    if (newest === undefined) return 0;
    const newestStart = tokens.slice(0, newest).reduce((length, token) => length + token.raw.length, 0);
    if (this.tail.includes('\n', newestStart)) return newest;
    return blocks.at(-2) ?? 0;
  }
}
