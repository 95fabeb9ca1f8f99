/**
 * The evaluation's results as pure template functions: the table, the scatter, the
 * recommendation with the speed the user sets, the correctness verdicts, export, import and
 * Clear. Everything from a file or a model is a text binding, never markup.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { AGREEMENT_THRESHOLD, agreementPercent } from '../../core/agreement.js';
import type { ExportFormat } from '../../core/bench-export.js';
import { accuracyCell } from '../../core/eval-format.js';
import type { ComparisonRow } from '../../core/eval/compare.js';
import type { Recommendation } from '../../core/eval/recommend.js';
import { runLabel, type SuiteGroup } from '../../core/eval/shown.js';
import { formatBytes, formatRate } from '../../core/format.js';
import type { ShownEval } from './eval-results-controller.js';
import { scatterView } from './eval-scatter.js';

export interface ResultsState {
  groups: SuiteGroup[];
  group: SuiteGroup | undefined;
  shown: ShownEval[];
  rows: ComparisonRow[];
  sourceOf: (row: ComparisonRow) => string;
  recommendation: Recommendation | undefined;
  minSpeed: number;
  canExportJson: boolean;
  hasSaved: boolean;
  importErrors: string[];
  storageProblem: string;
  /** Pixels the scatter may take. */
  chartWidth: number;
}

export interface ResultsHandlers {
  onImport(event: Event): void;
  onExport(format: ExportFormat): void;
  onClear(): void;
  onRemove(entry: ShownEval): void;
  onGroup(event: Event): void;
  onSpeed(event: Event): void;
}

const differs = (row: ComparisonRow) =>
  row.run.correctness !== undefined &&
  row.run.correctness.agreeing / row.run.correctness.positions < AGREEMENT_THRESHOLD;

/**
 * One row per model run. The model is the row's header and stays in view while the figures
 * scroll sideways on a phone; the figures a choice turns on (accuracy, speed, memory) come first.
 */
function resultsTable(state: ResultsState) {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Evaluation results">
    <table data-table="eval">
      <thead>
        <tr>
          <th scope="col" class="model">Model</th>
          <th scope="col" class="num">Accuracy (95% CI)</th>
          <th scope="col" class="num">Decode tok/s</th>
          <th scope="col" class="num">Peak GPU memory</th>
          <th scope="col" class="num">s/item</th>
          <th scope="col" class="num">TTFT ms</th>
          <th scope="col" class="num">n</th>
          <th scope="col" class="num">Download</th>
          <th scope="col" class="num">Agreement with CPU</th>
          <th scope="col">Pareto front</th>
        </tr>
      </thead>
      <tbody>
        ${state.rows.map((row, i) => {
          const { run, summary, onParetoFront } = row;
          const check = run.correctness;
          const decode = formatRate(summary.decodeTokensPerSecond.median).replace(' tok/s', '');
          const agreement = check ? agreementPercent(check.agreeing, check.positions) : '–';
          // Not measured for engines whose GPU memory the tracker cannot see (llama.cpp), none on the CPU.
          const peak = summary.peakGpuMemoryBytes;
          return html`<tr data-row=${row.key} data-front=${onParetoFront ? 'true' : 'false'}>
            <th scope="row" class="model">
              <span class="row-number">${i + 1}.</span> ${runLabel(run)}
              ${run.quantization ? html`<span class="muted">${run.quantization}</span>` : nothing}
              ${run.complete ? nothing : html`<span class="muted">(cancelled after ${summary.accuracy.total})</span>`}
              <span class="source">${state.sourceOf(row)}</span>
            </th>
            <td class="num" data-metric="accuracy">${accuracyCell(summary)}</td>
            <td class="num" data-metric="decode">${decode}</td>
            <td class="num">${peak !== undefined && peak > 0 ? formatBytes(peak) : '–'}</td>
            <td class="num">${Number.isFinite(summary.secondsPerItem) ? summary.secondsPerItem.toFixed(2) : '–'}</td>
            <td class="num">${summary.ttftMs.n > 0 ? Math.round(summary.ttftMs.median) : '–'}</td>
            <td class="num">${summary.accuracy.total}</td>
            <td class="num">${formatBytes(run.modelBytes)}</td>
            <td class="num ${differs(row) ? 'bad' : ''}" data-metric="agreement">${agreement}</td>
            <td>${onParetoFront ? 'on the front' : '–'}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

const NO_RECOMMENDATION =
  'Evaluate models on this device to get a recommendation: speeds measured on another device do not apply here.';

function recommendationView(state: ResultsState, on: ResultsHandlers) {
  const reason = state.recommendation?.reason ?? NO_RECOMMENDATION;
  return html`<section class="recommendation" aria-labelledby="eval-pick-heading">
    <h3 id="eval-pick-heading">Which model for this device?</h3>
    <label
      >Speed you need (decode tokens/s)
      <input name="min-speed" type="number" min="0" step="any" .value=${String(state.minSpeed)} @change=${on.onSpeed}
    /></label>
    <p data-recommendation aria-live="polite" class=${state.recommendation?.pick ? 'pick' : 'muted'}>${reason}</p>
  </section>`;
}

function correctnessList(rows: ComparisonRow[], label: (row: ComparisonRow) => string) {
  const checked = rows.filter((row) => row.run.correctness);
  if (checked.length === 0) return nothing;
  return html`<h3>Correctness on the device</h3>
    <ul data-correctness>
      ${checked.map(
        (row) => html`<li class=${differs(row) ? 'bad' : ''}>${label(row)}: ${row.run.correctness!.message}</li>`,
      )}
    </ul>`;
}

export function resultsView(state: ResultsState, on: ResultsHandlers): TemplateResult {
  const number = (row: ComparisonRow) => state.rows.indexOf(row) + 1;
  const notes = state.group?.results.flatMap((result) => result.notes ?? []) ?? [];
  return html`<section class="card" aria-labelledby="eval-results-heading">
    <h2 id="eval-results-heading">Results</h2>
    <div class="actions">
      <label
        >Import results (JSON)
        <input type="file" name="import" accept=".json,application/json" multiple @change=${on.onImport} />
      </label>
      <button type="button" data-export="json" ?disabled=${!state.canExportJson} @click=${() => on.onExport('json')}>
        Export JSON
      </button>
      <button type="button" data-export="csv" ?disabled=${state.rows.length === 0} @click=${() => on.onExport('csv')}>
        Export CSV
      </button>
      <button
        type="button"
        data-export="markdown"
        ?disabled=${state.rows.length === 0}
        @click=${() => on.onExport('markdown')}
      >
        Export Markdown
      </button>
      <button type="button" data-action="clear" ?disabled=${!state.hasSaved} @click=${on.onClear}>
        Clear this device's results
      </button>
    </div>
    ${state.storageProblem ? html`<p class="muted" data-storage-problem>${state.storageProblem}</p>` : nothing}
    ${
      state.importErrors.length > 0
        ? html`<div role="alert">
            <ul class="errors" data-import-errors>
              ${state.importErrors.map((message) => html`<li>${message}</li>`)}
            </ul>
          </div>`
        : nothing
    }
    ${
      state.groups.length > 1
        ? html`<label
            >Suite shown (results of different suites do not compare)
            <select name="group" @change=${on.onGroup}>
              ${state.groups.map(
                (group) =>
                  html`<option value=${group.fingerprint} ?selected=${group === state.group}>${group.label}</option>`,
              )}
            </select>
          </label>`
        : state.group
          ? html`<p class="muted">Suite: ${state.group.label}</p>`
          : nothing
    }
    ${
      state.rows.length === 0
        ? html`<p class="muted">Evaluate models or import result files to see them here.</p>`
        : html`${resultsTable(state)} ${scatterView(state.rows, (row) => runLabel(row.run), number, state.chartWidth)}
          ${recommendationView(state, on)}
          ${correctnessList(state.rows, (row) => `${number(row)}. ${runLabel(row.run)}`)}`
    }
    ${
      state.shown.some((entry) => entry.source !== 'This device')
        ? html`<h3>Imported</h3>
            <ul class="sources">
              ${state.shown
                .filter((entry) => entry.source !== 'This device')
                .map(
                  (entry) =>
                    html`<li data-source=${entry.source}>
                      ${entry.source}: ${entry.result.runs.length} run(s),
                      ${new Date(entry.result.createdAt).toLocaleString()}
                      <button type="button" data-remove=${entry.source} @click=${() => on.onRemove(entry)}>
                        Remove
                      </button>
                    </li>`,
                )}
            </ul>`
        : nothing
    }
    ${
      notes.length > 0
        ? html`<h3>Notes</h3>
            <ul data-notes>
              ${notes.map((note) => html`<li>${note}</li>`)}
            </ul>`
        : nothing
    }
  </section>`;
}
