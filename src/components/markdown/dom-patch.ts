/**
 * Creates and updates DOM from element descriptions (src/core/markdown-nodes.ts) with
 * `createElement`, properties and `Text` nodes only: no markup is ever parsed, so nothing in a
 * description can become an element, attribute or script it does not name.
 *
 * Updating compares the previous description with the next one and touches only what changed;
 * text that only grew is appended to its node. A reply that streams in therefore costs the size
 * of what changed per frame, and the reader's selection in unchanged text survives.
 */
import type { MdElement, MdNode } from '../../core/markdown-nodes.js';
import { copyCode } from './code-copy.js';

/** The DOM for one description. */
export function build(description: MdNode): Node {
  if (typeof description === 'string') return document.createTextNode(description);
  const element = document.createElement(description.tag);
  const { className, href, title, start, checked, lang, label, focusable, action, live } = description;
  if (className) element.className = className;
  if (href && element instanceof HTMLAnchorElement) {
    element.href = href;
    element.target = '_blank';
    element.rel = 'noopener noreferrer';
  }
  if (title) element.title = title;
  if (start !== undefined && element instanceof HTMLOListElement) element.start = start;
  if (element instanceof HTMLInputElement) {
    element.type = 'checkbox';
    element.disabled = true;
    element.checked = checked === true;
  }
  if (lang) element.dataset.lang = lang;
  if (label) element.setAttribute('aria-label', label);
  if (focusable) element.tabIndex = 0;
  if (live) element.setAttribute('role', 'status');
  if (action === 'copy-code' && element instanceof HTMLButtonElement) {
    element.type = 'button';
    element.addEventListener('click', () => void copyCode(element));
  }
  for (const child of description.children) element.append(build(child));
  return element;
}

/** True when two descriptions make the same element apart from their children. */
function sameShell(a: MdElement, b: MdElement): boolean {
  return (
    a.tag === b.tag &&
    a.className === b.className &&
    a.href === b.href &&
    a.title === b.title &&
    a.start === b.start &&
    a.checked === b.checked &&
    a.lang === b.lang &&
    a.label === b.label &&
    a.focusable === b.focusable &&
    a.action === b.action &&
    a.live === b.live
  );
}

/**
 * Brings `node`, built from `previous`, in line with `next`. Returns the node now in its place
 * (a new one when the element itself changed).
 */
export function patch(node: Node, previous: MdNode, next: MdNode): Node {
  if (previous === next) return node;
  if (typeof next === 'string') {
    if (typeof previous !== 'string' || !(node instanceof Text)) return replace(node, next);
    if (next.startsWith(previous)) node.appendData(next.slice(previous.length));
    else node.data = next;
    return node;
  }
  if (typeof previous === 'string' || !sameShell(previous, next) || !(node instanceof Element)) {
    return replace(node, next);
  }
  patchChildren(node, previous.children, next.children);
  return node;
}

function patchChildren(parent: Element, previous: readonly MdNode[], next: readonly MdNode[]): void {
  const nodes = Array.from(parent.childNodes);
  const shared = Math.min(previous.length, next.length);
  for (let index = 0; index < shared; index += 1) {
    const node = nodes[index];
    const before = previous[index];
    const after = next[index];
    if (node && before !== undefined && after !== undefined) patch(node, before, after);
  }
  for (const extra of nodes.slice(next.length)) extra.remove();
  for (const added of next.slice(previous.length)) parent.append(build(added));
}

function replace(node: Node, next: MdNode): Node {
  const fresh = build(next);
  node.parentNode?.replaceChild(fresh, node);
  return fresh;
}
