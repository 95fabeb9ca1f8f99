import { Lexer, type Token } from 'marked';
import { describe, expect, it } from 'vitest';
import { MARKDOWN_OPTIONS, MarkdownBlockStream } from '../../src/core/markdown-blocks.js';
import { describeBlocks } from '../../src/core/markdown-nodes.js';
import { markdownSample } from '../../src/core/markdown-sample.js';
import { mulberry32 } from '../../scripts/prng.mjs';
import { HOSTILE_REPLIES } from '../support/hostile-markdown.js';

/** Documents where a later line changes or continues an earlier one. */
const TRICKY: Record<string, string> = {
  'setext heading': 'Title\n===\n\nText\n---\n\nAfter',
  'list continued after a blank line': '1. one\n\n2. two\n\n   more of two\n\n3. three\n\nDone',
  'list then paragraph then list': '- a\n- b\n\nbetween\n\n* c\n* d',
  'bullet change starts a new list': '- a\n\n* b\n\n+ c',
  'lazy continuation': '> quoted\nlazy line\n\n> second\n\nplain',
  'table grows row by row': 'Intro\n\n| h1 | h2 |\n| :-- | --: |\n| 1 | 2 |\n| 3 | 4 |\nno pipe row\n\nafter table',
  'paragraph interrupted by a fence': 'text\n```py\nx = 1\n```\nmore text',
  'indented code after a paragraph': 'para\n\n    code line\n    more code\n\nafter',
  'reference defined after use and before': '[early][r] text\n\n[r]: https://example.com/r\n\n[late][r] text',
  'html block then markdown': '<div>\n*not emphasis*\n</div>\n\n*emphasis*',
  'hr and setext ambiguity': 'para\n\n---\n\n***\n\n- item\n---',
  'windows line endings': 'one\r\n\r\n- two\r\n- three\r\n\r\n```\r\ncode\r\n```\r\n',
  'task list': '- [x] done\n- [ ] open\n\n1) paren list\n2) second',
  'heading levels and breaks': '# one\n## two\n###### six\nline one\nline two  \nline three',
  'emphasis split over lines': '*start\nend* and **bold\ncontinues** ~~gone~~',
};

const DOCUMENTS: Record<string, string> = {
  ...TRICKY,
  'sample reply': markdownSample(3),
  ...Object.fromEntries(HOSTILE_REPLIES.map((reply) => [`hostile: ${reply.name}`, reply.text])),
};

/** What the whole text shows when lexed at once. */
function whole(text: string) {
  return describeBlocks(new Lexer(MARKDOWN_OPTIONS).lex(text));
}

/** What the stream shows after the text arrives in the given pieces. */
function streamed(pieces: string[]) {
  const stream = new MarkdownBlockStream();
  const settled: Token[] = [];
  let open: Token[] = [];
  for (const piece of pieces) {
    const update = stream.append(piece);
    settled.push(...update.settled);
    for (const { index, token } of update.revised) settled[index] = token;
    open = update.open;
  }
  return describeBlocks([...settled, ...open]);
}

function randomPieces(text: string, seed: number): string[] {
  const random = mulberry32(seed);
  const pieces: string[] = [];
  for (let at = 0; at < text.length;) {
    const size = 1 + Math.floor(random() * 12);
    pieces.push(text.slice(at, at + size));
    at += size;
  }
  return pieces;
}

describe('MarkdownBlockStream', () => {
  it.each(Object.entries(DOCUMENTS))('shows %s streamed one character at a time as it shows at once', (_, text) => {
    expect(streamed([...text])).toEqual(whole(text));
  });

  it.each(Object.entries(DOCUMENTS))('shows %s streamed in random pieces as it shows at once', (_, text) => {
    for (const seed of [1, 2, 3])
      expect(streamed(randomPieces(text, seed))).toEqual(whole(text.replace(/\r\n?/g, '\n')));
  });

  it('lexes only the open end of a long reply, so the work per piece does not grow with the reply', () => {
    const text = markdownSample(40);
    const stream = new MarkdownBlockStream();
    let longestOpen = 0;
    let lastTenth = 0;
    for (const [index, piece] of randomPieces(text, 7).entries()) {
      stream.append(piece);
      longestOpen = Math.max(longestOpen, stream.openLength);
      if (index > 0 && index % 1000 === 0) lastTenth = stream.openLength;
    }
    expect(text.length).toBeGreaterThan(40_000);
    // The longest open stretch is the longest block of the sample (its code fence or table),
    // a few hundred characters, however long the reply.
    expect(longestOpen).toBeLessThan(600);
    expect(lastTenth).toBeLessThan(600);
  });

  it('settles every block but the newest once the next block has a full first line', () => {
    const stream = new MarkdownBlockStream();
    expect(stream.append('First paragraph.\n\nSecond').settled).toEqual([]);
    const update = stream.append(' paragraph.\n');
    expect(update.settled.map((token) => token.type)).toEqual(['paragraph', 'space']);
    expect(update.open.map((token) => token.raw)).toEqual(['Second paragraph.\n']);
  });

  it('keeps a list open while a new line might still be its next item', () => {
    const stream = new MarkdownBlockStream();
    stream.append('1. one\n\n2');
    // "2" could become "2. two", the same list: nothing is settled yet.
    expect(stream.openLength).toBe('1. one\n\n2'.length);
    const update = stream.append('. two\n\nplain\n');
    expect(update.settled.map((token) => token.type)).toEqual(['list', 'space']);
    expect(update.settled[0]?.raw).toContain('2. two');
  });

  it('resolves a reference link written after its definition settled', () => {
    const stream = new MarkdownBlockStream();
    stream.append('[r]: https://example.com/r\n\nintro\n\n');
    const { open } = stream.append('see [it][r]');
    expect(describeBlocks(open).at(-1)).toEqual({
      tag: 'p',
      children: ['see ', { tag: 'a', href: 'https://example.com/r', children: ['it'] }],
    });
  });

  it('revises a settled block when the definition of a link it names arrives later', () => {
    const stream = new MarkdownBlockStream();
    const first = stream.append('As [the paper][1] shows.\n\nMore text.\n\n');
    expect(first.settled.map((token) => token.type)).toEqual(['paragraph', 'space']);
    // Revised as soon as the definition is there, and again whenever it changes while it is open.
    expect(stream.append('[1]: https://example.com/pa').revised.map(({ index }) => index)).toEqual([0]);
    const { revised } = stream.append('per\n');
    expect(revised.map(({ index }) => index)).toEqual([0]);
    expect(stream.append('\nEnd.\n').revised).toEqual([]);
    expect(describeBlocks(revised.map(({ token }) => token))).toEqual([
      {
        tag: 'p',
        children: ['As ', { tag: 'a', href: 'https://example.com/paper', children: ['the paper'] }, ' shows.'],
      },
    ]);
  });

  it('joins a carriage return and line feed split across two pieces into one line break', () => {
    const stream = new MarkdownBlockStream();
    stream.append('a\r');
    const { open } = stream.append('\nb');
    expect(describeBlocks(open)).toEqual([{ tag: 'p', children: ['a', { tag: 'br', children: [] }, 'b'] }]);
  });
});
