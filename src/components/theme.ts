/**
 * Shared look of edge-llm elements. Every colour and size is a custom property with a fallback,
 * so a host page can theme an element from outside without any global CSS. The fallbacks follow
 * the system's light or dark theme (`prefers-color-scheme`); a host page that sets the
 * properties decides for itself. Controls are at least 44 px tall: touch targets.
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
    color-scheme: light;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_accent: var(--edge-llm-accent, #8ab4ff);
      --_accent-text: var(--edge-llm-accent-text, #0b1220);
      --_bg: var(--edge-llm-background, #171a20);
      --_surface: var(--edge-llm-surface, #222630);
      --_text: var(--edge-llm-text, #e7e9ee);
      --_muted: var(--edge-llm-muted, #a9b0bd);
      --_border: var(--edge-llm-border, #3b414d);
      --_danger: var(--edge-llm-danger, #ff9b90);
      --_ok: var(--edge-llm-ok, #63d69e);
      --_warn: var(--edge-llm-warn, #f2bf60);
      color-scheme: dark;
    }
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
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
