/**
 * Loads the Markdown renderer (its parser and stylesheet with it) on first use, as its own chunk: neither
 * the app's first bundle nor the library's carries it. A failed load is forgotten, so the next
 * reply tries again; until then replies show as plain text.
 */
import type { CSSResult } from 'lit';
import type { MarkdownView } from './markdown-view.js';

interface MarkdownModule {
  MarkdownView: typeof MarkdownView;
  markdownStyles: CSSResult;
}

let loading: Promise<MarkdownModule> | undefined;

/** The renderer's module, loading it once. */
export function loadMarkdown(): Promise<MarkdownModule> {
  loading ??= import('./markdown-view.js').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
