/** The benchmark's own layout; colours come from the theme, fields and cards from the shared rules. */
import { css } from 'lit';

export const benchStyles = css`
  label.wide {
    grid-column: span 2;
  }
  .actions {
    margin-top: 0.8em;
  }
  progress {
    width: 100%;
    height: 0.8em;
    accent-color: var(--_accent);
  }
  .table-wrap {
    overflow-x: auto;
  }
  table {
    font-size: 0.88em;
  }
  .ok {
    color: var(--_ok);
  }
  .bad {
    color: var(--_danger);
  }
  .formula {
    font-family: var(--_mono);
    background: var(--_surface);
    padding: 0.4em 0.6em;
    border-radius: calc(var(--_radius) * 0.5);
    display: inline-block;
  }
  ul.errors {
    color: var(--_danger);
    padding-left: 1.2em;
  }
  .share input {
    width: 100%;
    font-family: var(--_mono);
    font-size: 0.85em;
  }
  @container (max-width: 36rem) {
    label.wide {
      grid-column: auto;
    }
  }
`;
