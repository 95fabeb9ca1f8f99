/** The model picker's layout: a list of rows that reads the same at 320 px and in a wide column. */
import { css } from 'lit';

export const pickerStyles = css`
  :host {
    display: block;
  }
  fieldset {
    border: none;
    padding: 0;
    margin: 0;
    min-width: 0;
  }
  legend {
    font-weight: 600;
    padding: 0;
  }
  .path {
    margin-bottom: 0.8em;
  }
  .path .choices {
    display: flex;
    flex-wrap: wrap;
    gap: 0 1.2em;
  }
  .path-reason {
    margin: 0.2em 0 0;
    font-size: 0.9em;
  }
  .filters {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(10rem, 100%), 1fr));
    gap: 0.4em var(--_space);
    align-items: end;
    margin-bottom: 0.4em;
  }
  .filters .query,
  .filters .stored {
    grid-column: 1 / -1;
  }
  .count {
    margin: 0.2em 0 0.5em;
    font-size: 0.9em;
  }
  ul.rows {
    list-style: none;
    margin: 0;
    padding: 0;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  li.row {
    padding: 0.5em 0.7em 0.7em;
    border-top: 1px solid var(--_border);
    min-width: 0;
  }
  li.row:first-child {
    border-top: none;
  }
  li.row.selected {
    background: color-mix(in srgb, var(--_accent) 10%, var(--_bg));
    box-shadow: inset 4px 0 0 var(--_accent);
  }
  .head {
    display: flex;
    align-items: center;
    gap: 0.5em;
    flex-wrap: wrap;
  }
  label.pick {
    flex: 1 1 auto;
    cursor: pointer;
    font-size: 1em;
  }
  label.pick input {
    width: 1.15em;
    height: 1.15em;
    margin: 0;
  }
  .title {
    font-weight: 600;
  }
  .tag {
    display: inline-block;
    border-radius: 999px;
    padding: 0.05em 0.6em;
    font-size: 0.8em;
    border: 1px solid var(--_ok);
    color: var(--_ok);
  }
  .meta {
    margin: 0 0 0.3em;
    font-size: 0.85em;
    color: var(--_muted);
    overflow-wrap: anywhere;
  }
  .variant {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.2em 0.6em;
  }
  .variant label {
    font-size: 0.9em;
    color: var(--_muted);
  }
  .variant select {
    flex: 1 1 12rem;
    max-width: 100%;
    text-overflow: ellipsis;
  }
  .verdict {
    margin: 0.4em 0 0;
    font-size: 0.9em;
    overflow-wrap: anywhere;
  }
  .badge {
    display: inline-block;
    border-radius: 999px;
    padding: 0.05em 0.6em;
    margin-right: 0.3em;
    font-weight: 600;
    font-size: 0.9em;
    white-space: nowrap;
  }
  .fits {
    background: color-mix(in srgb, var(--_ok) 15%, var(--_bg));
    color: var(--_ok);
  }
  .tight {
    background: color-mix(in srgb, var(--_warn) 15%, var(--_bg));
    color: var(--_warn);
  }
  .size-unknown {
    background: var(--_surface);
    color: var(--_muted);
  }
  .wont-fit,
  .needs-f16,
  .needs-webgpu,
  .needs-storage {
    background: color-mix(in srgb, var(--_danger) 12%, var(--_bg));
    color: var(--_danger);
  }
  .reason {
    color: var(--_muted);
  }
  button.alt {
    display: block;
    margin-top: 0.4em;
    font-size: 0.95em;
    text-align: left;
  }
`;
