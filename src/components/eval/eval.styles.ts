/** The evaluation's own layout; colours come from the theme, fields and cards from the shared rules. */
import { css } from 'lit';

export const evalStyles = css`
  fieldset {
    grid-column: 1 / -1;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.6);
    padding: 0.5em 0.8em 0.8em;
    margin: 0;
    min-width: 0;
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
    gap: 0.6em var(--_space);
    align-items: end;
  }
  legend {
    font-weight: 600;
    padding: 0 0.3em;
  }
  .wide,
  fieldset.models > * {
    grid-column: 1 / -1;
  }
  ul[data-models] {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 0.3em;
  }
  ul[data-models]:empty {
    display: none;
  }
  ul[data-models] li {
    display: flex;
    gap: 0.5em;
    align-items: center;
  }
  ul[data-models] li span {
    flex: 1;
    min-width: 0;
    overflow-wrap: anywhere;
    font-size: 0.9em;
  }
  ul[data-models] li button {
    flex: none;
  }
  .add-model {
    display: flex;
    gap: 0.5em;
    align-items: end;
  }
  .add-model .grow {
    flex: 1;
    min-width: 0;
  }
  input[type='file'] {
    max-width: 100%;
  }
  button[data-action='forget-suite'] {
    justify-self: start;
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
  th.model {
    position: sticky;
    left: 0;
    z-index: 1;
    background: var(--_bg);
    min-width: 8.5rem;
    max-width: 18rem;
  }
  @container (min-width: 40rem) {
    th.model {
      min-width: 14rem;
    }
  }
  tbody th.model {
    font-weight: 500;
    overflow-wrap: anywhere;
  }
  .source {
    display: block;
    color: var(--_muted);
    font-weight: 400;
    font-size: 0.9em;
  }
  .row-number {
    font-variant-numeric: tabular-nums;
  }
  tr[data-front='true'] td:last-child {
    color: var(--_ok);
    font-weight: 600;
  }
  .ok {
    color: var(--_ok);
  }
  .bad {
    color: var(--_danger);
  }
  ul.errors {
    color: var(--_danger);
    padding-left: 1.2em;
    margin: 0.3em 0;
    overflow-wrap: anywhere;
  }
  ul[data-suite-warnings],
  ul[data-notes],
  ul[data-correctness],
  ul.sources {
    padding-left: 1.2em;
    overflow-wrap: anywhere;
  }
  .scatter {
    margin: 1em 0 0;
  }
  .scatter svg {
    max-width: 100%;
    height: auto;
    display: block;
    font-size: 12px;
  }
  .scatter figcaption {
    font-size: 0.85em;
    max-width: 40rem;
  }
  .grid {
    stroke: var(--_border);
  }
  svg text {
    fill: var(--_text);
  }
  .axis {
    fill: var(--_muted);
  }
  .axis-title {
    fill: var(--_muted);
    font-size: 12px;
  }
  .front {
    fill: none;
    stroke: var(--_accent);
    stroke-width: 2;
    stroke-dasharray: 5 4;
  }
  .dot {
    fill: var(--_bg);
    fill-opacity: 0.7;
    stroke: var(--_muted);
    stroke-width: 2;
  }
  .dot.on-front {
    fill: var(--_accent);
    stroke: var(--_accent);
  }
  .whisker {
    stroke: var(--_muted);
    stroke-width: 1.5;
  }
  .dot-label {
    font-weight: 600;
  }
  .recommendation p.pick {
    font-weight: 500;
  }
  .recommendation input {
    max-width: 10rem;
  }
`;
