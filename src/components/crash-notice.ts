import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import type { CrashReport } from '../core/crash-report.js';
import { modelLabel } from '../core/crash-report.js';
import { EdgeLlmCrashNoticeEvent } from '../events.js';
import { themeStyles } from './theme.js';

/**
 * Tells a returning visitor that their last visit ended in the middle of a model load or a
 * benchmark: what was running, what most likely happened, and the next step.
 *
 * @summary A dismissible report of a run the last visit never finished.
 * @fires edge-llm-crash-notice - The visitor chose to use the suggested model or to dismiss.
 * @csspart notice - The notice.
 */
export class EdgeLlmCrashNotice extends LitElement {
  static override styles = [
    themeStyles,
    css`
      :host {
        display: block;
      }
      [part='notice'] {
        border: 1px solid var(--_warn);
        border-left-width: 5px;
        border-radius: var(--_radius);
        padding: var(--_space);
        background: var(--_bg);
      }
      h2 {
        margin: 0 0 0.3em;
        font-size: 1em;
        color: var(--_warn);
      }
      p {
        margin: 0 0 0.5em;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em;
      }
    `,
  ];

  @property({ attribute: false }) report: CrashReport | undefined;

  override render() {
    const report = this.report;
    if (!report) return nothing;
    return html`<section part="notice" role="alert" aria-labelledby="crash-title" data-kind=${report.intent.kind}>
      <h2 id="crash-title">${report.title}</h2>
      <p class="message">${report.message}</p>
      <p class="cause">${report.cause}</p>
      <p class="next">${report.nextStep}</p>
      <div class="actions">
        ${
          report.suggestion
            ? html`<button
                type="button"
                class="primary"
                data-action="use-suggestion"
                data-model-id=${report.suggestion.id}
                @click=${() => this.choose('use-suggestion')}
              >
                Use ${modelLabel(report.suggestion.id)}
              </button>`
            : nothing
        }
        <button type="button" data-action="dismiss" @click=${() => this.choose('dismiss')}>Dismiss</button>
      </div>
    </section>`;
  }

  private choose(action: 'use-suggestion' | 'dismiss') {
    const modelId = action === 'use-suggestion' ? this.report?.suggestion?.id : undefined;
    this.dispatchEvent(new EdgeLlmCrashNoticeEvent(modelId ? { action, modelId } : { action }));
  }
}
