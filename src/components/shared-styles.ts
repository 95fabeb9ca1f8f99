/**
 * Rules several elements share, written once: form fields and cards. Each element adds these
 * after `themeStyles`, whose custom properties they use.
 */
import { css } from 'lit';

/** Labels above their fields, fields that follow the theme, a row of buttons, a field's error. */
export const formStyles = css`
  label {
    display: flex;
    flex-direction: column;
    gap: 0.2em;
    font-size: 0.9em;
  }
  /* A checkbox or radio sits beside its words; the whole label is a 44 px touch target. */
  label:has(> input[type='checkbox'], > input[type='radio']) {
    flex-direction: row;
    align-items: center;
    gap: 0.4em;
    min-height: 44px;
  }
  input:not([type='checkbox'], [type='radio'], [type='file']),
  select,
  textarea {
    font: inherit;
    padding: 0.35em 0.5em;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.6);
    background: var(--_bg);
    color: var(--_text);
    min-width: 0;
  }
  input:not([type='checkbox'], [type='radio'], [type='range']),
  select,
  textarea {
    min-height: 44px;
  }
  input[type='file']::file-selector-button {
    min-height: 44px;
    font: inherit;
    margin-inline-end: 0.6em;
    padding: 0.45em 0.9em;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.7);
    background: var(--_bg);
    color: var(--_text);
    cursor: pointer;
  }
  [aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    align-items: center;
  }
  .field-error {
    color: var(--_danger);
    font-size: 0.85em;
    margin: 0;
  }
`;

/** A bordered card, a coloured notice inside one, and figures tables. */
export const cardStyles = css`
  .card {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_space);
    margin-bottom: var(--_space);
    background: var(--_bg);
  }
  .notice {
    margin: 0 0 0.6em;
    padding: 0.5em 0.7em;
    border-radius: calc(var(--_radius) * 0.7);
    background: color-mix(in srgb, var(--_warn) 12%, var(--_bg));
    color: var(--_warn);
    font-weight: 600;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 0.35em 0.5em;
    border-bottom: 1px solid var(--_border);
    vertical-align: top;
  }
  td.num,
  th.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
`;

/** The measuring views' frame (benchmark, evaluation): headings and a setup form that flows in columns. */
export const measureViewStyles = css`
  :host {
    display: block;
    container-type: inline-size;
  }
  h2 {
    font-size: 1.05rem;
    margin: 0 0 0.6em;
  }
  h3 {
    font-size: 0.95rem;
    margin: 1em 0 0.4em;
  }
  form {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
    gap: 0.6em var(--_space);
    align-items: end;
  }
`;
