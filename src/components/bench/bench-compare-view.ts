/**
 * The Benchmark view's engine comparison, as pure templates: the engines and models chosen to
 * compare, the buttons that run the comparison or a preview without downloading, and the ratio
 * table of a result that compared engines (src/core/comparison-table.ts). Synthetic-weights
 * figures carry their label on every row.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { BenchResult } from '../../core/bench-schema.js';
import {
  agreementLines,
  COMPARISON_COLUMNS,
  comparisonRows,
  formatRatio,
  memoryNote,
  notMeasured,
  SYNTHETIC_LABEL,
  SYNTHETIC_NOTE,
} from '../../core/comparison-table.js';
import type { ComparisonVariant } from '../../measure/engine-comparison.js';

export interface CompareState {
  variants: ComparisonVariant[];
  busy: boolean;
  /** Whether the form names a model that can be added. */
  canAdd: boolean;
  result: BenchResult | undefined;
}

export interface CompareHandlers {
  onAdd(): void;
  onRemove(variant: ComparisonVariant): void;
  onCompare(): void;
  onPreview(): void;
}

function variantList(state: CompareState, on: CompareHandlers) {
  if (state.variants.length === 0) {
    return html`<p class="muted" data-compare-empty>
      No engines chosen yet: pick an engine, a model and where it computes above, then add it here.
    </p>`;
  }
  return html`<ul data-compare-variants>
    ${state.variants.map(
      (variant) =>
        html`<li>
          ${variant.label} <span class="muted">(${variant.model})</span>
          <button type="button" ?disabled=${state.busy} @click=${() => on.onRemove(variant)}>Remove</button>
        </li>`,
    )}
  </ul>`;
}

/** The ratio table of a comparison; nothing when the result compared no engines. */
export function comparisonTableView(result: BenchResult | undefined): TemplateResult | typeof nothing {
  const rows = result ? comparisonRows(result) : [];
  if (!result || rows.length === 0) return nothing;
  const agreement = agreementLines(result);
  return html`<h3 id="compare-table-heading">${result.comparison?.subject}: engines side by side</h3>
    <p class="muted">
      Each figure is the median of the measured runs, with its ratio to the best entry at the same prompt length in this
      run (1.00× is the best; a rate below 1 or a time above 1 is slower). Peak memory is the GPU buffers the tracker
      saw, or the engine's WebAssembly heap where its GPU memory cannot be seen.
    </p>
    ${rows.some((row) => row.entry.synthetic) ? html`<p data-synthetic-note>${SYNTHETIC_NOTE}</p>` : nothing}
    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="compare-table-heading">
      <table data-table="compare">
        <thead>
          <tr>
            <th scope="col">Engine · device · weights</th>
            <th scope="col" class="num">Prompt</th>
            ${COMPARISON_COLUMNS.map((column) => html`<th scope="col" class="num">${column.label}</th>`)}
            <th scope="col">Memory vs weights</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map((row) =>
            row.entry.runs.length === 0
              ? html`<tr data-skipped>
                  <th scope="row">${row.entry.label}</th>
                  <td colspan=${COMPARISON_COLUMNS.length + 2}>Not measured: ${notMeasured(row.entry)}</td>
                </tr>`
              : html`<tr data-entry=${row.entry.label}>
                  <th scope="row">
                    ${row.entry.label}${row.computedOn ? html` <span class="muted">(ran on ${row.computedOn})</span>` : nothing}
                    ${row.entry.synthetic ? html`<br /><span class="muted" data-synthetic>${SYNTHETIC_LABEL}</span>` : nothing}
                  </th>
                  <td class="num">${row.promptLength ?? '–'}</td>
                  ${COMPARISON_COLUMNS.map((column) => {
                    const cell = row.cells[column.key];
                    return html`<td class="num" data-column=${column.key}>
                      ${column.format(cell.value)} <span class="muted">${formatRatio(cell.ratio)}</span>
                    </td>`;
                  })}
                  <td>${memoryNote(row)}</td>
                </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${
      agreement.length > 0
        ? html`<h3>Agreement of next-token choices</h3>
            <ul data-agreement>
              ${agreement.map((line) => html`<li>${line}</li>`)}
            </ul>`
        : nothing
    }`;
}

/** The comparison card: what is chosen, the actions, and the latest comparison's table. */
export function compareView(state: CompareState, on: CompareHandlers): TemplateResult {
  return html`<section class="card" aria-labelledby="compare-heading">
    <h2 id="compare-heading">Compare engines</h2>
    <p class="muted">
      Run the same protocol on several engines, devices and models, one after the other on this device, and see each
      figure as a ratio to the fastest. Or measure the chosen model's speed without downloading its weights: random
      weights of the same shapes, made here and never kept (${SYNTHETIC_LABEL}).
    </p>
    ${variantList(state, on)}
    <div class="actions">
      <button type="button" data-action="compare-add" ?disabled=${state.busy || !state.canAdd} @click=${on.onAdd}>
        Add this engine and model
      </button>
      <button
        type="button"
        class="primary"
        data-action="compare"
        ?disabled=${state.busy || state.variants.length === 0}
        @click=${on.onCompare}
      >
        Compare engines
      </button>
      <button type="button" data-action="preview" ?disabled=${state.busy || !state.canAdd} @click=${on.onPreview}>
        Measure without downloading
      </button>
    </div>
    ${comparisonTableView(state.result)}
  </section>`;
}
