import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { filterCatalog } from '../core/catalog.js';
import { checkFit, type FitResult, type FitVerdict } from '../core/fit.js';
import { formatMiB } from '../core/format.js';
import { crossEngineKey } from '../core/transformers-catalog.js';
import { EdgeLlmModelSelectEvent } from '../events.js';
import type { DeviceReport, ModelRecord } from '../shared/engine-api.js';
import { cardStyles, formStyles } from './shared-styles.js';
import { themeStyles } from './theme.js';

const VERDICT_LABELS: Record<FitVerdict, string> = {
  fits: 'fits',
  tight: 'tight',
  'wont-fit': "won't fit",
  'needs-f16': 'needs shader-f16',
};

/** A short button label for the better variant; the full id is its accessible name. */
function alternativeLabel(record: ModelRecord, alternative: ModelRecord): string {
  if (/-1k$/i.test(alternative.id) && !/-1k$/i.test(record.id)) return 'Use the 1k-context variant';
  if (alternative.quantization && alternative.quantization !== record.quantization) {
    return `Use ${alternative.quantization}`;
  }
  return `Use ${alternative.id}`;
}

/**
 * The catalog with a fit verdict for this device on every row, before anything is downloaded.
 *
 * @summary Pick a model that fits this device.
 * @fires edge-llm-model-select - A model was chosen (`detail.modelId`).
 * @csspart picker - The picker.
 */
export class EdgeLlmModelPicker extends LitElement {
  static override styles = [
    themeStyles,
    formStyles,
    cardStyles,
    css`
      :host {
        display: block;
        container-type: inline-size;
      }
      .controls {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_space);
        align-items: center;
        margin-bottom: 0.6em;
      }
      input[type='search'] {
        min-width: 14rem;
      }
      .scroller {
        max-height: 26rem;
        overflow: auto;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
      }
      table {
        font-size: 0.9em;
      }
      th {
        position: sticky;
        top: 0;
        background: var(--_surface);
        z-index: 1;
      }
      tr.selected {
        background: color-mix(in srgb, var(--_accent) 10%, var(--_bg));
      }
      .num {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      .badge {
        display: inline-block;
        border-radius: 999px;
        padding: 0.05em 0.6em;
        font-weight: 600;
        font-size: 0.85em;
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
      .wont-fit,
      .needs-f16 {
        background: color-mix(in srgb, var(--_danger) 12%, var(--_bg));
        color: var(--_danger);
      }
      .reason {
        display: block;
        color: var(--_muted);
        font-size: 0.9em;
        margin-top: 0.2em;
      }
      .also {
        display: inline-block;
        font-size: 0.78em;
        border: 1px solid var(--_border);
        border-radius: 999px;
        padding: 0 0.5em;
        color: var(--_muted);
      }
      button.alt {
        margin-top: 0.3em;
        padding: 0.2em 0.6em;
        font-size: 0.9em;
      }
      label.model {
        display: flex;
        gap: 0.5em;
        align-items: flex-start;
        cursor: pointer;
      }
      /* The verdict matters most: in a narrow column or on a phone, the id already says the rest. */
      @container (max-width: 44rem) {
        .optional {
          display: none;
        }
      }
    `,
  ];

  @property({ attribute: false }) models: ModelRecord[] = [];
  @property({ attribute: false }) device: DeviceReport | undefined;
  @property() selected = '';
  /** Models the other engine also has (by family and size), to mark rows that can be compared. */
  @property({ attribute: false }) alsoIn: { label: string; keys: ReadonlySet<string> } | undefined;
  @state() private showAll = false;
  @state() private query = '';

  /** The fit verdict for a model on this picker's device. */
  fitOf(record: ModelRecord): FitResult | undefined {
    return this.device?.webgpu === 'available' ? checkFit(record, this.device, this.models) : undefined;
  }

  override render() {
    const rows = filterCatalog(this.models, { showAll: this.showAll, query: this.query });
    return html`
      <section part="picker" aria-label="Models">
        <div class="controls">
          <label
            >Search
            <input
              type="search"
              name="model-search"
              .value=${this.query}
              @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)}
            />
          </label>
          <label>
            <input
              type="checkbox"
              name="show-all"
              .checked=${this.showAll}
              @change=${(e: Event) => (this.showAll = (e.target as HTMLInputElement).checked)}
            />
            Show all models (${this.models.length}), not only small chat models
          </label>
          <span class="muted" aria-live="polite">${rows.length} shown</span>
        </div>
        <div class="scroller">
          <table>
            <caption class="visually-hidden">
              Models with their size and whether they fit this device
            </caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col" class="num optional">Params</th>
                <th scope="col" class="optional">Quant</th>
                <th scope="col" class="num">VRAM</th>
                <th scope="col" class="num optional">Context</th>
                <th scope="col" class="optional">Cached</th>
                <th scope="col">This device</th>
              </tr>
            </thead>
            <tbody>
              ${rows.map((record) => this.renderRow(record))}
            </tbody>
          </table>
        </div>
      </section>
    `;
  }

  private renderRow(record: ModelRecord) {
    const fit = this.fitOf(record);
    const selected = record.id === this.selected;
    return html`<tr
      class=${selected ? 'selected' : ''}
      data-model-id=${record.id}
      data-verdict=${fit?.verdict ?? 'unknown'}
    >
      <td>
        <label class="model">
          <input
            type="radio"
            name="model"
            .value=${record.id}
            .checked=${selected}
            @change=${() => this.select(record.id)}
          />
          <span
            >${record.family}
            ${
              this.alsoIn?.keys.has(crossEngineKey(record))
                ? html`<span class="also" data-also-in>also in ${this.alsoIn.label}</span>`
                : nothing
            } <span class="reason mono">${record.id}</span></span
          >
        </label>
      </td>
      <td class="num optional">${record.parameters}</td>
      <td class="mono optional">${record.quantization || '–'}</td>
      <td class="num">${record.vramMB ? `${record.vramIsEstimate ? '≈ ' : ''}${formatMiB(record.vramMB)}` : '–'}</td>
      <td class="num optional">${record.contextWindow?.toLocaleString('en-US') ?? '–'}</td>
      <td class="optional" data-cached=${record.cached ? 'yes' : 'no'}>${record.cached ? 'yes' : 'no'}</td>
      <td>
        ${
          fit
            ? html`<span class="badge ${fit.verdict}">${VERDICT_LABELS[fit.verdict]}</span>
                <span class="reason">${fit.reason}</span>
                ${
                  fit.alternative
                    ? html`<button
                        type="button"
                        class="alt"
                        data-alternative=${fit.alternative.id}
                        title=${fit.alternative.id}
                        aria-label=${`Use ${fit.alternative.id}`}
                        @click=${() => this.select(fit.alternative!.id)}
                      >
                        ${alternativeLabel(record, fit.alternative)}
                      </button>`
                    : nothing
                }`
            : html`<span class="muted">unknown</span>`
        }
      </td>
    </tr>`;
  }

  private select(modelId: string) {
    this.selected = modelId;
    this.dispatchEvent(new EdgeLlmModelSelectEvent({ modelId }));
  }
}
