/** The app's page layout; cards and colours come from the shared styles and the theme. */
import { css } from 'lit';

export const appStyles = css`
  :host {
    display: block;
    max-width: 88rem;
    margin: 0 auto;
    padding: var(--_space);
  }
  header h1 {
    margin: 0;
    font-size: 1.6rem;
  }
  header p {
    margin: 0.2em 0 0;
  }
  nav {
    display: flex;
    gap: 0.5em;
    margin-top: var(--_space);
  }
  [hidden] {
    display: none !important;
  }
  .layout {
    display: grid;
    grid-template-columns: minmax(0, 2fr) minmax(0, 3fr);
    gap: calc(var(--_space) * 1.5);
    margin-top: calc(var(--_space) * 1.5);
    align-items: start;
  }
  @media (max-width: 960px) {
    .layout {
      grid-template-columns: minmax(0, 1fr);
    }
  }
  section > h2 {
    font-size: 1.1rem;
    margin: 0 0 0.5em;
  }
  edge-llm-error-panel {
    margin-top: var(--_space);
  }
  fieldset.engines {
    border: none;
    padding: 0;
    margin: 0 0 0.6em;
    display: flex;
    flex-wrap: wrap;
    gap: 0.4em 1.2em;
  }
  fieldset.engines legend {
    font-weight: 600;
    padding: 0;
    margin-bottom: 0.2em;
  }
`;
