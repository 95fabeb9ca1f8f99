/**
 * Shared look of edge-llm elements. Every colour and size is a custom property with a fallback,
 * so a host page can theme an element from outside without any global CSS.
 *
 * Light or dark: the fallbacks are `light-dark()` pairs, resolved by the page's `color-scheme`.
 * A page that declares `color-scheme: light dark` (the app does) follows the system's
 * `prefers-color-scheme`; a page that declares nothing stays light, so a widget never turns dark
 * inside a light site. Browsers without `light-dark()` get the light colours. Controls are at
 * least 44 px tall: touch targets.
 */
import { css } from 'lit';

export const themeStyles = css`
  :host {
    --_accent: var(--edge-llm-accent, #2563eb);
    --_accent-text: var(--edge-llm-accent-text, #ffffff);
    --_bg: var(--edge-llm-background, #ffffff);
    --_surface: var(--edge-llm-surface, #f4f5f7);
    --_text: var(--edge-llm-text, #1b1e23);
    --_muted: var(--edge-llm-muted, #5b6270);
    --_border: var(--edge-llm-border, #d5d9e0);
    --_danger: var(--edge-llm-danger, #b42318);
    --_ok: var(--edge-llm-ok, #067647);
    --_warn: var(--edge-llm-warn, #9a5b00);
    --_radius: var(--edge-llm-radius, 10px);
    --_space: var(--edge-llm-spacing, 12px);
    --_font: var(--edge-llm-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_mono: var(--edge-llm-mono, ui-monospace, 'SF Mono', Menlo, Consolas, monospace);
    font-family: var(--_font);
    color: var(--_text);
    box-sizing: border-box;
  }
  @supports (color: light-dark(#000, #fff)) {
    :host {
      --_accent: var(--edge-llm-accent, light-dark(#2563eb, #8ab4ff));
      --_accent-text: var(--edge-llm-accent-text, light-dark(#ffffff, #0b1220));
      --_bg: var(--edge-llm-background, light-dark(#ffffff, #171a20));
      --_surface: var(--edge-llm-surface, light-dark(#f4f5f7, #222630));
      --_text: var(--edge-llm-text, light-dark(#1b1e23, #e7e9ee));
      --_muted: var(--edge-llm-muted, light-dark(#5b6270, #a9b0bd));
      --_border: var(--edge-llm-border, light-dark(#d5d9e0, #3b414d));
      --_danger: var(--edge-llm-danger, light-dark(#b42318, #ff9b90));
      --_ok: var(--edge-llm-ok, light-dark(#067647, #63d69e));
      --_warn: var(--edge-llm-warn, light-dark(#9a5b00, #f2bf60));
    }
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  /* A details' children inherit through its built-in slots, which reset box-sizing: take it back. */
  details > * {
    box-sizing: border-box;
  }
  button {
    font: inherit;
    border-radius: calc(var(--_radius) * 0.7);
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_text);
    padding: 0.45em 0.9em;
    min-height: 44px;
    min-width: 44px;
    cursor: pointer;
  }
  summary {
    min-height: 44px;
    padding-block: 0.6em;
    cursor: pointer;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-text);
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  :is(button, input, textarea, select, summary, a, [tabindex]):focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .muted {
    color: var(--_muted);
  }
  .mono {
    font-family: var(--_mono);
  }
`;
