import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import type { FriendlyError, RecoveryAction } from '../core/error-messages.js';
import { EdgeLlmRecoverEvent } from '../events.js';
import { themeStyles } from './theme.js';

const ACTION_LABELS: Record<RecoveryAction, string> = {
  retry: 'Try again',
  'pick-another-model': 'Pick another model',
  'use-alternative': 'Use the suggested model',
  'reload-page': 'Reload the page',
  'restart-worker': 'Restart the engine',
  'reload-model': 'Reload the model',
  'new-conversation': 'New conversation',
  'move-model-here': 'Move it here',
  'load-second-copy': 'Load here anyway',
  'webgpu-help': 'Which browsers have WebGPU?',
};

const WEBGPU_HELP_URL = 'https://developer.mozilla.org/en-US/docs/Web/API/WebGPU_API#browser_compatibility';

/**
 * A specific, human error message with buttons for each way forward.
 *
 * @summary An error with its remedies.
 * @fires edge-llm-recover - The visitor chose a remedy; `detail.action` says which.
 * @csspart error - The error panel.
 */
export class EdgeLlmErrorPanel extends LitElement {
  static override styles = [
    themeStyles,
    css`
      :host {
        display: block;
      }
      [role='alert'] {
        border: 1px solid var(--_danger);
        border-left-width: 5px;
        border-radius: var(--_radius);
        padding: var(--_space);
        background: var(--_bg);
      }
      h3 {
        margin: 0 0 0.3em;
        font-size: 1em;
        color: var(--_danger);
      }
      p {
        margin: 0 0 0.6em;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em;
      }
      details {
        margin-top: 0.6em;
        font-size: 0.85em;
      }
      code {
        word-break: break-word;
      }
    `,
  ];

  @property({ attribute: false }) error: FriendlyError | undefined;

  override render() {
    const error = this.error;
    if (!error) return nothing;
    return html`
      <div part="error" role="alert" data-code=${error.code}>
        <h3>${error.title}</h3>
        <p class="message">${error.message}</p>
        <div class="actions">
          ${error.actions.map((action) =>
            action === 'webgpu-help'
              ? html`<a href=${WEBGPU_HELP_URL} target="_blank" rel="noopener noreferrer">${ACTION_LABELS[action]}</a>`
              : html`<button type="button" data-action=${action} @click=${() => this.choose(action)}>
                  ${ACTION_LABELS[action]}
                </button>`,
          )}
        </div>
        <details>
          <summary>Details</summary>
          <code>${error.original.name}: ${error.original.message}</code>
        </details>
      </div>
    `;
  }

  private choose(action: RecoveryAction) {
    if (!this.error) return;
    if (action === 'reload-page') {
      location.reload();
      return;
    }
    this.dispatchEvent(new EdgeLlmRecoverEvent({ action, code: this.error.code }));
  }
}
