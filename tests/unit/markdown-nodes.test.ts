import { Lexer } from 'marked';
import { describe, expect, it } from 'vitest';
import { MARKDOWN_OPTIONS, MarkdownBlockStream } from '../../src/core/markdown-blocks.js';
import { describeBlocks, type MdElement, type MdNode, type MdTag } from '../../src/core/markdown-nodes.js';
import { HOSTILE_REPLIES } from '../support/hostile-markdown.js';

const describeText = (text: string) => describeBlocks(new Lexer(MARKDOWN_OPTIONS).lex(text));

/** The text a description shows, blocks apart, as the view's textContent has it. */
function textOf(node: MdNode): string {
  return typeof node === 'string' ? node : node.children.map(textOf).join('');
}
const shownText = (blocks: MdElement[]) => blocks.map((block) => `${textOf(block)}\n`).join('');

function* elements(node: MdNode): Generator<MdElement> {
  if (typeof node === 'string') return;
  yield node;
  for (const child of node.children) yield* elements(child);
}

const TAGS = new Set<MdTag>([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'blockquote',
  'div',
  'span',
  'pre',
  'code',
  'em',
  'strong',
  'del',
  'a',
  'br',
  'hr',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'input',
  'button',
]);

/** Every rule a description of untrusted text must keep. */
function expectSafe(blocks: MdElement[]) {
  for (const element of blocks.flatMap((block) => [...elements(block)])) {
    expect(TAGS.has(element.tag)).toBe(true);
    if (element.href !== undefined) {
      expect(element.tag).toBe('a');
      expect(new URL(element.href).protocol).toMatch(/^(https?|mailto):$/);
    }
    if (element.tag === 'a') {
      expect(element.children.flatMap((child) => [...elements(child)]).filter((inner) => inner.tag === 'a')).toEqual(
        [],
      );
    }
    if (element.tag === 'button') expect(element.action).toBe('copy-code');
  }
}

describe('describeBlocks on hostile replies', () => {
  it('has at least 40 replies in the corpus', () => {
    expect(HOSTILE_REPLIES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(HOSTILE_REPLIES.map((reply) => [reply.name, reply] as const))(
    '%s: only allowed elements and links, at every step of streaming, and its text still shows',
    (_, reply) => {
      const stream = new MarkdownBlockStream();
      const settled: MdElement[] = [];
      let open: MdElement[] = [];
      for (const character of reply.text) {
        const update = stream.append(character);
        settled.push(...describeBlocks(update.settled));
        open = describeBlocks(update.open);
        expectSafe([...settled, ...open]);
      }
      const whole = describeText(reply.text);
      expectSafe(whole);
      for (const visible of reply.visible) expect(shownText(whole)).toContain(visible);
    },
  );
});

describe('describeBlocks', () => {
  it('keeps raw HTML as text, in a block or inline', () => {
    expect(describeText('<div onclick="x()">hi</div>')).toEqual([
      { tag: 'p', className: 'raw-html', children: ['<div onclick="x()">hi</div>'] },
    ]);
    expect(describeText('a <b>b</b>')).toEqual([{ tag: 'p', children: ['a ', '<b>', 'b', '</b>'] }]);
  });

  it('decodes character references once, as HTML shows them', () => {
    expect(shownText(describeText('&lt;b&gt; &amp;lt; &#x26;amp; &copy; &nosuch; a & b'))).toBe(
      '<b> &lt; &amp; © &nosuch; a & b\n',
    );
  });

  it('keeps code spans and code blocks literal', () => {
    expect(shownText(describeText('`&amp; <i>`'))).toBe('&amp; <i>\n');
    const [block] = describeText('```js title="x"\n&amp; <i>\n```');
    expect(block?.className).toBe('code-block');
    const code = [...elements(block!)].find((element) => element.tag === 'code');
    expect(code).toEqual({ tag: 'code', lang: 'js', children: ['&amp; <i>'] });
  });

  it('names a code block by its language and labels its Copy button with it', () => {
    const [block] = describeText('```python\nx\n```');
    const found = [...elements(block!)];
    expect(found.find((element) => element.className === 'code-lang')?.children).toEqual(['python']);
    expect(found.find((element) => element.tag === 'button')).toMatchObject({
      label: 'Copy python code',
      children: ['Copy'],
      action: 'copy-code',
    });
    expect(found.find((element) => element.tag === 'pre')?.focusable).toBe(true);
    const [plain] = describeText('```\nx\n```');
    expect([...elements(plain!)].find((element) => element.tag === 'button')?.label).toBe('Copy code');
  });

  it('cuts a language long enough to be content down to one short word', () => {
    const [block] = describeText(`\`\`\`${'a'.repeat(100)} more\nx\n\`\`\``);
    const code = [...elements(block!)].find((element) => element.tag === 'code');
    expect(code?.lang).toBe('a'.repeat(32));
  });

  it('makes allowed links live, with their decoded title', () => {
    expect(describeText('[docs](https://example.com/d "Say &quot;hi&quot;")')).toEqual([
      { tag: 'p', children: [{ tag: 'a', href: 'https://example.com/d', title: 'Say "hi"', children: ['docs'] }] },
    ]);
    expect(describeText('<mailto:a@example.com> www.example.org')).toEqual([
      {
        tag: 'p',
        children: [
          { tag: 'a', href: 'mailto:a@example.com', children: ['mailto:a@example.com'] },
          ' ',
          { tag: 'a', href: 'http://www.example.org/', children: ['www.example.org'] },
        ],
      },
    ]);
  });

  it('shows the text of a link it refuses, including entity-spelled schemes', () => {
    expect(describeText('[go](&#x6A;avascript:alert(1)) [rel](/x)')).toEqual([
      { tag: 'p', children: ['go', ' ', 'rel'] },
    ]);
  });

  it('never loads an image: it becomes a link to it, or text', () => {
    expect(describeText('![a cat](https://example.com/cat.png)')).toEqual([
      {
        tag: 'p',
        children: [
          {
            tag: 'a',
            href: 'https://example.com/cat.png',
            className: 'image',
            children: [{ tag: 'span', className: 'image-label', children: ['Image: '] }, 'a cat'],
          },
        ],
      },
    ]);
    expect(describeText('![x](data:image/png;base64,AAAA)')).toEqual([
      {
        tag: 'p',
        children: [
          {
            tag: 'span',
            className: 'image',
            children: [{ tag: 'span', className: 'image-label', children: ['Image: '] }, 'x'],
          },
        ],
      },
    ]);
  });

  it('never nests a link in a link: an image inside one is text', () => {
    expect(describeText('[![logo](https://example.com/l.png)](https://example.com/home)')).toEqual([
      {
        tag: 'p',
        children: [
          {
            tag: 'a',
            href: 'https://example.com/home',
            children: [
              {
                tag: 'span',
                className: 'image',
                children: [{ tag: 'span', className: 'image-label', children: ['Image: '] }, 'logo'],
              },
            ],
          },
        ],
      },
    ]);
  });

  it('describes lists, tasks, tables, quotes, headings and rules', () => {
    expect(describeText('3. three\n4. four')).toEqual([
      {
        tag: 'ol',
        start: 3,
        children: [
          { tag: 'li', children: [{ tag: 'span', children: ['three'] }] },
          { tag: 'li', children: [{ tag: 'span', children: ['four'] }] },
        ],
      },
    ]);
    expect(describeText('- [x] done')[0]?.children[0]).toEqual({
      tag: 'li',
      children: [
        { tag: 'input', checked: true, label: 'Done', children: [] },
        { tag: 'span', children: ['done'] },
      ],
    });
    expect(describeText('| a | b |\n| :-: | - |\n| 1 | 2 |')).toEqual([
      {
        tag: 'div',
        className: 'table-scroll',
        focusable: true,
        children: [
          {
            tag: 'table',
            children: [
              {
                tag: 'thead',
                children: [
                  {
                    tag: 'tr',
                    children: [
                      { tag: 'th', className: 'align-center', children: ['a'] },
                      { tag: 'th', children: ['b'] },
                    ],
                  },
                ],
              },
              {
                tag: 'tbody',
                children: [
                  {
                    tag: 'tr',
                    children: [
                      { tag: 'td', className: 'align-center', children: ['1'] },
                      { tag: 'td', children: ['2'] },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ]);
    expect(describeText('> q\n\n## h\n\n***').map((block) => block.tag)).toEqual(['blockquote', 'h2', 'hr']);
  });

  it('keeps single line breaks, as chat replies are written', () => {
    expect(describeText('roses\nviolets')).toEqual([
      { tag: 'p', children: ['roses', { tag: 'br', children: [] }, 'violets'] },
    ]);
  });
});
