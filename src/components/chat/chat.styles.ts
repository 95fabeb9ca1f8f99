/** The chat's own layout; colours come from the theme, fields from the shared form rules. */
import { css } from 'lit';

export const chatStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: var(--_space);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_space);
    min-height: 24rem;
  }
  edge-llm-transcript {
    flex: 1 1 16rem;
    min-height: 12rem;
    max-height: 60vh;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    align-items: center;
    justify-content: space-between;
  }
  .status {
    font-size: 0.9em;
  }
  details.settings,
  details.conversations {
    font-size: 0.95em;
  }
  details.conversations[open] > :not(summary) {
    margin-top: 0.5em;
  }
  details.settings[open] .grid {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(12rem, 100%), 1fr));
    gap: var(--_space);
    margin-top: 0.5em;
  }
  label.wide {
    grid-column: 1 / -1;
  }
  .saved {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    align-items: center;
    justify-content: space-between;
    margin: 0;
    font-size: 0.85em;
    color: var(--_muted);
  }
  .empty {
    color: var(--_muted);
    margin: auto;
    text-align: center;
    padding: 2em 1em;
  }
`;
