/**
 * The app's page layout: a header always in view, then the chat first on a narrow screen (device,
 * models and storage in a sheet) or two columns from 1024 px. Cards and colours come from the
 * shared styles and the theme.
 */
import { css } from 'lit';

export const appStyles = css`
  :host {
    /* The page behind the cards; index.html paints the body with the same two colours. */
    --_page: var(--edge-llm-page, #f7f8fa);
    display: block;
    max-width: 88rem;
    margin: 0 auto;
    padding: 0 var(--_space) var(--_space);
    background: var(--_page);
  }
  @supports (color: light-dark(#000, #fff)) {
    :host {
      --_page: var(--edge-llm-page, light-dark(#f7f8fa, #0f1115));
    }
  }
  [hidden] {
    display: none !important;
  }
  header.bar {
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    grid-template-areas:
      'brand now'
      'nav now';
    gap: 0.4em var(--_space);
    align-items: center;
    padding: var(--_space) 0 0;
  }
  .brand {
    grid-area: brand;
    min-width: 0;
  }
  h1 {
    margin: 0;
    font-size: 1.6rem;
  }
  .tagline {
    margin: 0.2em 0 0;
  }
  nav {
    grid-area: nav;
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
  }
  .now {
    grid-area: now;
    display: flex;
    align-items: center;
    gap: 0.5em;
    min-width: 0;
    justify-self: end;
  }
  p.model {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.1em 0.5em;
    margin: 0;
    min-width: 0;
  }
  .model-title {
    font-weight: 600;
  }
  .model-variant {
    font-size: 0.85em;
    overflow-wrap: anywhere;
  }
  .chip {
    display: inline-block;
    border-radius: 999px;
    padding: 0.05em 0.65em;
    font-size: 0.85em;
    font-weight: 600;
    white-space: nowrap;
    border: 1px solid var(--_border);
    color: var(--_muted);
  }
  .chip.loading,
  .chip.replying {
    border-color: var(--_accent);
    color: var(--_accent);
  }
  .chip.ready {
    border-color: var(--_ok);
    color: var(--_ok);
  }
  .chip.failed {
    border-color: var(--_danger);
    color: var(--_danger);
  }
  .notice.info {
    margin: 0 0 var(--_space);
    background: color-mix(in srgb, var(--_accent) 10%, var(--_bg));
    color: var(--_text);
    font-weight: normal;
  }
  edge-llm-error-panel,
  edge-llm-crash-notice {
    display: block;
    margin-bottom: var(--_space);
  }
  .layout {
    margin-top: var(--_space);
  }
  .layout.wide {
    display: grid;
    grid-template-columns: minmax(0, 2fr) minmax(0, 3fr);
    gap: calc(var(--_space) * 1.5);
    align-items: start;
  }
  /* The side column scrolls on its own, so the chat stays in view beside a long list of models. */
  .layout.wide > aside {
    position: sticky;
    top: var(--_space);
    max-height: calc(100dvh - 2 * var(--_space));
    overflow-y: auto;
    overscroll-behavior: contain;
    scrollbar-gutter: stable;
  }
  section > h2,
  .sheet-bar h2 {
    font-size: 1.1rem;
    margin: 0 0 0.5em;
  }
  edge-llm-model-sources {
    margin-top: var(--_space);
  }

  /* Narrow: a compact header that stays in view, the chat edge to edge, the rest in a sheet. */
  :host(:not([wide])) header.bar {
    position: sticky;
    top: 0;
    z-index: 2;
    background: var(--_page);
    grid-template-columns: auto minmax(0, 1fr);
    grid-template-areas:
      'brand nav'
      'now now';
    padding: 0.4em 0;
    border-bottom: 1px solid var(--_border);
  }
  :host(:not([wide])) h1 {
    font-size: 1.2rem;
  }
  :host(:not([wide])) .tagline {
    display: none;
  }
  :host(:not([wide])) nav {
    justify-content: flex-end;
    gap: 0.25em;
  }
  /* Three views beside the name on a 390 px phone; they wrap only on narrower screens. */
  :host(:not([wide])) nav button {
    padding-inline: 0.5em;
    font-size: 0.95em;
  }
  :host(:not([wide])) .now {
    justify-self: stretch;
    justify-content: space-between;
  }
  :host(:not([wide])) .model-variant {
    flex-basis: 100%;
  }
  .sheet-toggle {
    flex: none;
  }
  .layout.narrow edge-llm-chat {
    border: none;
    padding: 0;
    background: transparent;
  }
  dialog.sheet {
    margin: 0 0 0 auto;
    padding: 0;
    border: none;
    width: min(100vw, 34rem);
    max-width: 100vw;
    height: 100dvh;
    max-height: 100dvh;
    background: var(--_page);
    color: var(--_text);
    box-shadow: -8px 0 24px rgb(0 0 0 / 0.25);
  }
  dialog.sheet::backdrop {
    background: rgb(0 0 0 / 0.45);
  }
  .sheet-body {
    min-height: 100%;
    padding: 0 var(--_space) var(--_space);
  }
  .sheet-bar {
    position: sticky;
    top: 0;
    z-index: 1;
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space);
    margin: 0 calc(var(--_space) * -1) var(--_space);
    padding: 0.4em var(--_space);
    background: var(--_page);
    border-bottom: 1px solid var(--_border);
  }
  .sheet-bar h2 {
    margin: 0;
  }
`;
