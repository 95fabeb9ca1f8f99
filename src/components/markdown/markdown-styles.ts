/**
 * The look of Markdown in replies. Colours come only from the theme's custom properties, so a
 * host's theme (and a dark one) applies to code, tables and quotes too.
 */
import { css } from 'lit';

export const markdownStyles = css`
  .text.markdown {
    white-space: normal;
  }
  /* A chunk of blocks that can be skipped when off screen clips what it paints to its box: the
     padding, taken back by the margin, leaves room for the focus rings of what sits at its edges. */
  .markdown .md-chunk {
    content-visibility: auto;
    contain-intrinsic-size: auto 20em;
    padding: 4px;
    margin: -4px;
  }
  .markdown .md-chunk + .md-chunk {
    margin-top: calc(0.7em - 4px);
  }
  .markdown .md-block + .md-block {
    margin-top: 0.7em;
  }
  .markdown :is(p, ul, ol, blockquote, h1, h2, h3, h4, h5, h6, pre, table, hr) {
    margin: 0;
  }
  .markdown blockquote > * + *,
  .markdown .loose > li > * + *,
  .markdown .loose > li + li {
    margin-top: 0.5em;
  }
  /* Task items show their box instead of a bullet. */
  .markdown li:has(> input[type='checkbox']) {
    list-style: none;
    margin-inline-start: -1.2em;
  }
  .markdown :is(h1, h2, h3, h4, h5, h6) {
    line-height: 1.3;
    font-weight: 650;
  }
  .markdown h1 {
    font-size: 1.35em;
  }
  .markdown h2 {
    font-size: 1.2em;
  }
  .markdown h3 {
    font-size: 1.05em;
  }
  .markdown :is(h4, h5, h6) {
    font-size: 1em;
  }
  .markdown :is(ul, ol) {
    padding-inline-start: 1.5em;
  }
  .markdown blockquote {
    padding-inline-start: 0.8em;
    border-inline-start: 3px solid var(--_border, #d5d9e0);
  }
  .markdown hr {
    border: 0;
    border-top: 1px solid var(--_border, #d5d9e0);
  }
  .markdown a {
    color: var(--_accent, #2563eb);
    text-decoration: underline;
    text-underline-offset: 0.15em;
  }
  .markdown .image-label {
    font-style: italic;
  }
  .markdown .raw-html {
    white-space: pre-wrap;
  }
  .markdown code {
    font-family: var(--_mono, ui-monospace, monospace);
    font-size: 0.9em;
  }
  .markdown :not(pre) > code {
    padding: 0.1em 0.3em;
    border-radius: 4px;
    background: var(--_bg, #fff);
    border: 1px solid var(--_border, #d5d9e0);
  }
  .markdown .code-block {
    border: 1px solid var(--_border, #d5d9e0);
    border-radius: calc(var(--_radius, 10px) * 0.6);
    background: var(--_bg, #fff);
  }
  .markdown .code-header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5em;
    padding: 0.2em 0.3em 0.2em 0.75em;
    border-bottom: 1px solid var(--_border, #d5d9e0);
    font-size: 0.8em;
  }
  .markdown .code-lang {
    color: var(--_muted, #5b6270);
    font-family: var(--_mono, ui-monospace, monospace);
  }
  .markdown .copy {
    font: inherit;
    padding: 0.25em 0.7em;
    border-radius: calc(var(--_radius, 10px) * 0.5);
    border: 1px solid var(--_border, #d5d9e0);
    background: var(--_surface, #f4f5f7);
    color: var(--_text, #1b1e23);
    cursor: pointer;
  }
  @media (pointer: coarse) {
    .markdown .copy {
      min-width: 44px;
      min-height: 44px;
    }
  }
  .markdown .copy-status {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .markdown pre {
    margin: 0;
    padding: 0.6em 0.75em;
    overflow-x: auto;
    white-space: pre;
    overflow-wrap: normal;
    line-height: 1.45;
  }
  .markdown .table-scroll {
    overflow-x: auto;
  }
  .markdown table {
    border-collapse: collapse;
    font-size: 0.95em;
  }
  .markdown :is(th, td) {
    border: 1px solid var(--_border, #d5d9e0);
    padding: 0.3em 0.6em;
    text-align: start;
    vertical-align: top;
  }
  .markdown th {
    background: var(--_bg, #fff);
    font-weight: 650;
  }
  .markdown .align-center {
    text-align: center;
  }
  .markdown .align-right {
    text-align: end;
  }
  .markdown input[type='checkbox'] {
    margin: 0 0.4em 0 0;
    vertical-align: middle;
    accent-color: var(--_accent, #2563eb);
  }
  .markdown :is(a, .copy):focus-visible {
    outline: 3px solid var(--_accent, #2563eb);
    outline-offset: 1px;
  }
  /* Regions as wide as the reply take their ring inside. */
  .markdown :is(pre, .table-scroll):focus-visible {
    outline: 3px solid var(--_accent, #2563eb);
    outline-offset: -3px;
  }
`;
