import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { LoadPhase, LoadProgress, LoadReport } from '../shared/engine-api.js';
import { storageRefusedMessage } from '../core/storage-refused.js';
import { formatBytes, formatDuration, formatPercent } from '../core/format.js';
import { EdgeLlmCancelLoadEvent } from '../events.js';
import { themeStyles } from './theme.js';

const PHASE_LABELS: Record<LoadPhase, string> = {
  preparing: 'Preparing',
  downloading: 'Downloading',
  loading: 'Loading onto the GPU',
  compiling: 'Compiling GPU shaders',
  done: 'Ready',
};

/**
 * The sentence shown once a model is loaded, e.g. "Loaded from cache in 2.1 s", and what the
 * visitor must know of it: a model this window could not store downloads again next time.
 */
export function loadSummary(report: LoadReport): string {
  const summary =
    report.fromCache || !report.downloadedBytes
      ? `Loaded from cache in ${formatDuration(report.durationMs)}`
      : `Downloaded ${formatBytes(report.downloadedBytes)} in ${formatDuration(report.durationMs)}`;
  return report.notStored ? `${summary}. ${storageRefusedMessage(report.notStored)}` : summary;
}

/**
 * Loading progress for one model: phase, percent, bytes where known, elapsed time, and Cancel.
 *
 * @summary A progress bar that shows progress.
 * @fires edge-llm-cancel-load - The visitor pressed Cancel.
 * @csspart progress - The progress bar.
 */
export class EdgeLlmLoadProgress extends LitElement {
  static override styles = [
    themeStyles,
    css`
      :host {
        display: block;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_space);
        align-items: baseline;
        justify-content: space-between;
      }
      progress {
        width: 100%;
        height: 0.9em;
        accent-color: var(--_accent);
      }
      .phase {
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) progress: LoadProgress | undefined;
  @property() modelId = '';

  override render() {
    const progress = this.progress;
    if (!progress) return nothing;
    const fraction = progress.fraction;
    const bytes =
      progress.loadedBytes !== undefined
        ? `${formatBytes(progress.loadedBytes)}${progress.totalBytes ? ` of ${formatBytes(progress.totalBytes)}` : ''}`
        : '';
    const label = `${PHASE_LABELS[progress.phase]} ${this.modelId}`;
    return html`
      <div class="row">
        <span class="phase" data-phase=${progress.phase}>${PHASE_LABELS[progress.phase]}</span>
        <span class="muted">
          ${fraction !== undefined ? html`<span class="percent">${formatPercent(fraction)}</span> · ` : nothing}
          ${bytes ? html`<span class="bytes">${bytes}</span> · ` : nothing}
          <span class="elapsed">${formatDuration(progress.elapsedMs)}</span>
        </span>
      </div>
      <progress
        part="progress"
        aria-label=${label}
        max="1"
        value=${ifDefined(fraction)}
        aria-valuetext=${fraction !== undefined ? `${formatPercent(fraction)} ${bytes}` : 'in progress'}
      ></progress>
      <div class="row">
        <span class="muted detail">${progress.detail}</span>
        <button type="button" @click=${this.cancel}>Cancel</button>
      </div>
    `;
  }

  private cancel() {
    this.dispatchEvent(new EdgeLlmCancelLoadEvent());
  }
}
