/**
 * Turns Markdown tokens (from `marked`'s lexer) into a small description of the elements to show,
 * which a DOM builder then creates with `createElement` and `Text` nodes only. Every safety rule
 * for model output lives here, where it can be tested without a browser:
 *
 * - Only the elements in {@link MdTag} exist; the only attributes are those in {@link MdElement}.
 * - Raw HTML in a reply stays visible text.
 * - A link is live only when its destination passes {@link safeLinkUrl}; otherwise its text shows.
 * - Images never load: image syntax becomes a link to the image (when allowed) or text.
 *
 * Pure: no DOM.
 */
import { decodeHTMLStrict } from 'entities/decode';
import type { Token, Tokens } from 'marked';
import { safeLinkUrl } from './markdown-url.js';

export type MdTag =
  | 'p'
  | 'h1'
  | 'h2'
  | 'h3'
  | 'h4'
  | 'h5'
  | 'h6'
  | 'ul'
  | 'ol'
  | 'li'
  | 'blockquote'
  | 'div'
  | 'span'
  | 'pre'
  | 'code'
  | 'em'
  | 'strong'
  | 'del'
  | 'a'
  | 'br'
  | 'hr'
  | 'table'
  | 'thead'
  | 'tbody'
  | 'tr'
  | 'th'
  | 'td'
  | 'input'
  | 'button';

/** One element to create. Text nodes are plain strings. */
export interface MdElement {
  tag: MdTag;
  /** Class names from this module's fixed set, never from the reply. */
  className?: string;
  /** An allowed absolute URL (`a` only); the link opens in a new tab, without opener or referrer. */
  href?: string;
  title?: string;
  /** First number of an ordered list. */
  start?: number;
  /** A task list item's box (`input` only, always disabled). */
  checked?: boolean;
  /** The language a code block names, as text for `data-lang`. */
  lang?: string;
  /** Accessible name, for controls whose visible text alone is too short. */
  label?: string;
  /** Keyboard-focusable (a region that scrolls sideways). */
  focusable?: boolean;
  /** What a button does; the builder wires it. */
  action?: 'copy-code';
  /** A polite live region (`role="status"`) for what a control just did. */
  live?: boolean;
  children: MdNode[];
}

export type MdNode = string | MdElement;

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const;
/** A code block's language is a label, not content: one word, kept short. */
const MAX_LANG_CHARS = 32;

const element = (tag: MdTag, children: MdNode[], extra: Omit<MdElement, 'tag' | 'children'> = {}): MdElement => ({
  tag,
  ...extra,
  children,
});

/** Text of a text token as a reader sees it: character references decoded, as HTML would. */
function textOf(token: Token): string {
  const text = String((token as Tokens.Text).text ?? '');
  // Backslash escapes, and text inside raw HTML, are literal already.
  if (token.type === 'escape' || (token as Tokens.Text).escaped) return text;
  return decodeHTMLStrict(text);
}

/**
 * The elements for a run of inline tokens (a paragraph's, a heading's, a cell's). Inside a link
 * (`inLink`) nothing becomes a link of its own: links do not nest.
 */
export function describeInline(tokens: readonly Token[], inLink = false): MdNode[] {
  return tokens.flatMap((token) => describeInlineToken(token, inLink));
}

function describeInlineToken(token: Token, inLink: boolean): MdNode[] {
  switch (token.type) {
    case 'text':
      return token.tokens ? describeInline(token.tokens, inLink) : [textOf(token)];
    case 'escape':
      return [token.text];
    case 'html':
      // Raw HTML stays what it is in the reply: text.
      return [token.text];
    case 'codespan':
      return [element('code', [token.text])];
    case 'br':
      return [element('br', [])];
    case 'em':
    case 'strong':
    case 'del':
      return [element(token.type, describeInline(token.tokens ?? [], inLink))];
    case 'link':
      return describeLink(token as Tokens.Link, inLink);
    case 'image':
      return describeImage(token as Tokens.Image, inLink);
    case 'checkbox':
      return [describeCheckbox(token as Tokens.Checkbox)];
    default:
      return token.raw ? [token.raw] : [];
  }
}

function describeLink(token: Tokens.Link, inLink: boolean): MdNode[] {
  // Autolinks are literal; a written destination has its character references decoded first,
  // so `&#x6A;avascript:` is checked as the `javascript:` it is.
  const href = safeLinkUrl(token.autolink ? token.href : decodeHTMLStrict(token.href));
  const children = token.autolink ? [token.text] : describeInline(token.tokens, true);
  if (!href || inLink) return children;
  const title = token.title ? decodeHTMLStrict(token.title) : undefined;
  return [element('a', children, { href, ...(title ? { title } : {}) })];
}

/** A task list item's box: shown, never editable. */
function describeCheckbox(token: Tokens.Checkbox): MdElement {
  return element('input', [], { checked: token.checked, label: token.checked ? 'Done' : 'Not done' });
}

/** An image is never loaded from a reply: it becomes a link to it, or its text when not allowed. */
function describeImage(token: Tokens.Image, inLink: boolean): MdNode[] {
  const href = safeLinkUrl(decodeHTMLStrict(token.href));
  const alt = decodeHTMLStrict(token.text);
  const children: MdNode[] = [element('span', ['Image: '], { className: 'image-label' }), alt || token.href];
  if (!href || inLink) return [element('span', children, { className: 'image' })];
  return [element('a', children, { href, className: 'image' })];
}

/** The elements for a run of block tokens (the reply's, a quote's, a list item's). */
export function describeBlocks(tokens: readonly Token[]): MdElement[] {
  return tokens.flatMap((token) => describeBlock(token) ?? []);
}

/** The element for one block token; none for blank lines and link definitions. */
export function describeBlock(token: Token): MdElement | undefined {
  return describeBlockToken(token)[0];
}

function describeBlockToken(token: Token): MdElement[] {
  switch (token.type) {
    case 'space':
    case 'def':
      return [];
    case 'paragraph':
      return [element('p', describeInline(token.tokens ?? []))];
    case 'heading': {
      const tag = HEADINGS[Math.min(Math.max(Number(token.depth), 1), 6) - 1] ?? 'h6';
      return [element(tag, describeInline(token.tokens ?? []))];
    }
    case 'code':
      return [describeCode(token as Tokens.Code)];
    case 'blockquote':
      return [element('blockquote', describeBlocks(token.tokens ?? []))];
    case 'list':
      return [describeList(token as Tokens.List)];
    case 'table':
      return [describeTable(token as Tokens.Table)];
    case 'hr':
      return [element('hr', [])];
    case 'checkbox':
      return [describeCheckbox(token as Tokens.Checkbox)];
    case 'html':
      return [element('p', [token.text], { className: 'raw-html' })];
    case 'text':
      // A tight list item's text: inline content, held in a span so it stays one node.
      return [element('span', token.tokens ? describeInline(token.tokens) : [textOf(token)])];
    default:
      return token.raw ? [element('p', [token.raw])] : [];
  }
}

function describeCode(token: Tokens.Code): MdElement {
  const lang = (token.lang ?? '').trim().split(/\s/)[0]?.slice(0, MAX_LANG_CHARS) ?? '';
  const label = lang ? `Copy ${lang} code` : 'Copy code';
  const header = element(
    'div',
    [
      element('span', [lang || 'code'], { className: 'code-lang' }),
      element('button', ['Copy'], { className: 'copy', action: 'copy-code', label }),
      element('span', [], { className: 'copy-status', live: true }),
    ],
    { className: 'code-header' },
  );
  const code = element('code', [token.text], lang ? { lang } : {});
  return element('div', [header, element('pre', [code], { focusable: true })], { className: 'code-block' });
}

function describeList(token: Tokens.List): MdElement {
  const items = token.items.map((item) => element('li', describeBlocks(item.tokens)));
  const start = token.ordered && typeof token.start === 'number' && token.start !== 1 ? { start: token.start } : {};
  return element(token.ordered ? 'ol' : 'ul', items, { ...start, ...(token.loose ? { className: 'loose' } : {}) });
}

function describeTable(token: Tokens.Table): MdElement {
  const cell = (tag: 'th' | 'td', cell: Tokens.TableCell) =>
    element(tag, describeInline(cell.tokens), cell.align ? { className: `align-${cell.align}` } : {});
  const head = element('thead', [
    element(
      'tr',
      token.header.map((header) => cell('th', header)),
    ),
  ]);
  const rows = token.rows.map((row) =>
    element(
      'tr',
      row.map((data) => cell('td', data)),
    ),
  );
  const table = element('table', rows.length ? [head, element('tbody', rows)] : [head]);
  // Wide tables scroll sideways inside the reply rather than widen the page.
  return element('div', [table], { className: 'table-scroll', focusable: true });
}
