/**
 * The benchmark's screens as pure template functions: the setup form, the GPU probe table and the
 * results section. They render what they are given and report clicks through the handlers; the
 * element owns the state.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { deviceLabel, KERNEL_LABELS, spread, type ExportFormat } from '../../core/bench-export.js';
import { AGREEMENT_THRESHOLD, agreementPercent } from '../../core/agreement.js';
import { PROTOCOL_LIMITS, PROTOCOL_VERSION } from '../../core/bench-protocol.js';
import type { BenchCorrectness, BenchMetric, BenchResult } from '../../core/bench-schema.js';
import { ENGINE_IDS, engineLabel } from '../../core/engines.js';
import { measuredBandwidth } from '../../core/roofline.js';
import type { BenchProgress } from '../../measure/model-benchmark.js';
import type { GpuProbeReport, ProbeKernelId } from '../../shared/engine-api.js';
import { comparisonView } from './bench-comparison.js';
import type { BenchSettings } from './bench-runner.js';

/** A result on screen, with where it came from: "This device" or a file name. */
export interface ShownResult {
  source: string;
  result: BenchResult;
}

export interface SetupState {
  settings: BenchSettings;
  busy: boolean;
  catalogIds: string[];
  progress: BenchProgress | undefined;
  formError: string;
}

export interface SetupHandlers {
  onChange(event: Event): void;
  onProbe(): void;
  onRun(): void;
  onCancel(): void;
}

function numberField(label: string, name: string, limits: { min: number; max: number }, value: number, busy: boolean) {
  return html`<label
    >${label}
    <input
      name=${name}
      type="number"
      min=${limits.min}
      max=${limits.max}
      step="1"
      .value=${String(value)}
      ?disabled=${busy}
  /></label>`;
}

function progressView({ busy, progress }: SetupState) {
  if (!busy || !progress) return nothing;
  const load = progress.load?.fraction;
  return html`<p>${progress.message}${load !== undefined ? ` (${Math.round(load * 100)}%)` : ''}</p>
    <progress max="1" .value=${progress.fraction} aria-label="Benchmark progress"></progress>`;
}

export function setupView(state: SetupState, on: SetupHandlers): TemplateResult {
  const { settings, busy } = state;
  // The test double is offered only where it is already chosen (tests), never to visitors.
  const engines = ENGINE_IDS.filter((engine) => engine !== 'double' || settings.engine === 'double');
  return html`<section class="card" aria-labelledby="setup-heading">
    <h2 id="setup-heading">Benchmark this device</h2>
    <p class="muted">
      Protocol ${PROTOCOL_VERSION}: cold then warm load; after calibrating prompt lengths, warm-up runs then measured
      runs at each prompt length, greedy, ${settings.decodeTokens} output tokens (end-of-sequence ignored where the
      engine allows). Figures are the median with p10–p90 over the measured runs.
    </p>
    <form @submit=${(event: Event) => event.preventDefault()} @change=${on.onChange}>
      <label
        >Engine
        <select name="engine" .value=${settings.engine} ?disabled=${busy}>
          ${engines.map(
            (engine) =>
              html`<option value=${engine} ?selected=${settings.engine === engine}>${engineLabel(engine)}</option>`,
          )}
        </select>
      </label>
      <label class="wide"
        >Model
        <input
          name="model"
          list="bench-models"
          .value=${settings.model}
          ?disabled=${busy}
          autocomplete="off"
          spellcheck="false"
        />
        <datalist id="bench-models">${state.catalogIds.map((id) => html`<option value=${id}></option>`)}</datalist>
      </label>
      ${
        settings.engine === 'transformers' || settings.engine === 'llamacpp'
          ? html`<label
              >Compute on
              <select name="device" ?disabled=${busy}>
                <option value="webgpu" ?selected=${settings.device === 'webgpu'}>WebGPU</option>
                <option value="wasm" ?selected=${settings.device === 'wasm'}>WebAssembly (CPU)</option>
              </select>
            </label>`
          : nothing
      }
      ${numberField('Measured runs', 'runs', PROTOCOL_LIMITS.runs, settings.runs, busy)}
      ${numberField('Warm-up runs', 'warmup-runs', PROTOCOL_LIMITS.warmupRuns, settings.warmupRuns, busy)}
      ${numberField('Decode tokens', 'decode-tokens', PROTOCOL_LIMITS.decodeTokens, settings.decodeTokens, busy)}
      <label
        >Prompt lengths (tokens)
        <input name="prompt-lengths" .value=${settings.promptLengths} ?disabled=${busy} />
      </label>
      <label class="wide"
        ><input type="checkbox" name="check-correctness" .checked=${!settings.skipCorrectness} ?disabled=${busy} />Then
        check correctness: the model's next-token choices here against the CPU's</label
      >
    </form>
    <div class="actions">
      <button type="button" data-action="probe" ?disabled=${busy} @click=${on.onProbe}>Run GPU probe</button>
      <button type="button" class="primary" data-action="run" ?disabled=${busy || !settings.model} @click=${on.onRun}>
        Run benchmark
      </button>
      ${busy ? html`<button type="button" data-action="cancel" @click=${on.onCancel}>Cancel</button>` : nothing}
      <span class="bad" role="alert">${state.formError}</span>
    </div>
    <div role="status" aria-live="polite" class="progress">${progressView(state)}</div>
  </section>`;
}

function checkCell(kernel: GpuProbeReport['kernels'][ProbeKernelId]) {
  if (kernel.check) {
    return html`<span class=${kernel.check.passed ? 'ok' : 'bad'}>${kernel.check.passed ? 'passed' : 'failed'}</span>
      <span class="muted">(max error ${kernel.check.maxError.toPrecision(2)})</span>`;
  }
  if (kernel.status === 'ok') return html`<span class="muted">not needed</span>`;
  return html`<span class="muted">${kernel.status}${kernel.reason ? `: ${kernel.reason}` : ''}</span>`;
}

export function probeView(probe: GpuProbeReport): TemplateResult {
  const kernels = Object.entries(probe.kernels) as [ProbeKernelId, GpuProbeReport['kernels'][ProbeKernelId]][];
  const bandwidth = measuredBandwidth(probe);
  return html`<section class="card" aria-labelledby="probe-heading">
    <h2 id="probe-heading">GPU probe</h2>
    <div class="table-wrap" tabindex="0" role="region" aria-label="GPU probe figures">
      <table data-table="probe">
        <thead>
          <tr>
            <th scope="col">Kernel</th>
            <th scope="col">Size</th>
            <th scope="col">CPU check</th>
            <th scope="col" class="num">Median (p10–p90)</th>
          </tr>
        </thead>
        <tbody>
          ${kernels.map(([id, kernel]) => {
            // The mat-vec reports both: GB/s is what bounds decoding, GFLOP/s what it computes.
            const speeds = [
              kernel.gbPerSecond ? `${spread(kernel.gbPerSecond)} GB/s` : '',
              kernel.gflopPerSecond ? `${spread(kernel.gflopPerSecond)} GFLOP/s` : '',
            ].filter(Boolean);
            return html`<tr data-kernel=${id}>
              <th scope="row">${KERNEL_LABELS[id]}</th>
              <td>${kernel.size}</td>
              <td>${checkCell(kernel)}</td>
              <td class="num">${speeds.length > 0 ? speeds.join(' · ') : '–'}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>
    <p>
      Bandwidth kernel vs plain copy:
      <strong data-figure="kernel-to-copy"
        >${probe.kernelToCopyRatio === undefined ? '–' : `${(probe.kernelToCopyRatio * 100).toFixed(0)}%`}</strong
      >.
      ${
        bandwidth
          ? html`The roofline uses ${bandwidth.gbPerSecond.toFixed(2)} GB/s (the faster of the two, from the
            ${bandwidth.source === 'copy' ? 'copy' : 'kernel'}).`
          : nothing
      }
      <span class="muted"
        >Timed by wall clock from submit to onSubmittedWorkDone; ${probe.options.runs} runs after a warm-up.</span
      >
    </p>
  </section>`;
}

/**
 * The correctness check of this run: the verdict in words (below 99% it names the device, the
 * engine and the quantization), then its figures; or why the model was not checked.
 */
export function correctnessView(check: BenchCorrectness): TemplateResult {
  const differs = check.checked && check.agreeing / check.positions < AGREEMENT_THRESHOLD;
  return html`<section
    class="card"
    aria-labelledby="correctness-heading"
    data-correctness=${check.checked ? (differs ? 'differs' : 'agrees') : 'not-checked'}
  >
    <h2 id="correctness-heading">Correctness on this device</h2>
    <p class=${check.checked ? (differs ? 'notice bad' : 'ok') : 'muted'} data-verdict>${check.message}</p>
    ${
      check.checked
        ? html`<p class="muted">
            ${check.agreeing} of ${check.positions} positions agreed
            (${agreementPercent(check.agreeing, check.positions)}); largest log-probability difference
            ${check.maxLogprobDelta.toPrecision(2)}${
              check.firstDisagreement === undefined ? '' : `; first difference at position ${check.firstDisagreement}`
            }.
            Teacher forcing: the model read the same ${check.positions} tokens on
            ${check.computeDevice ?? 'this device'} and on the CPU (${check.reference}), and the next-token choices were
            compared.
          </p>`
        : nothing
    }
  </section>`;
}

export interface ResultsState {
  shown: ShownResult[];
  current: BenchResult | undefined;
  importErrors: string[];
  shareLink: string;
  metric: BenchMetric;
}

export interface ResultsHandlers {
  onImport(event: Event): void;
  onExport(format: ExportFormat): void;
  onShare(): void;
  onRemove(entry: ShownResult): void;
  onMetric(event: Event): void;
}

function sourcesView({ shown, current }: ResultsState, on: ResultsHandlers) {
  if (shown.length === 0) return html`<p class="muted">Run the benchmark or import result files to see them here.</p>`;
  return html`<ul class="sources">
    ${shown.map(
      (entry, i) =>
        html`<li data-source=${entry.source}>
          ${entry.source}: ${deviceLabel(entry.result)}, ${entry.result.runs.length} run(s),
          ${new Date(entry.result.createdAt).toLocaleString()}
          ${
            i > 0 || !current
              ? html`<button type="button" data-remove=${entry.source} @click=${() => on.onRemove(entry)}>
                  Remove
                </button>`
              : nothing
          }
        </li>`,
    )}
  </ul>`;
}

export function resultsView(state: ResultsState, on: ResultsHandlers): TemplateResult {
  const withRuns = state.shown.filter((entry) => entry.result.runs.length > 0);
  const notes = state.current?.notes ?? [];
  return html`<section class="card" aria-labelledby="results-heading">
    <h2 id="results-heading">Results</h2>
    <div class="actions">
      <label
        >Import results (JSON)
        <input type="file" name="import" accept=".json,application/json" multiple @change=${on.onImport} />
      </label>
      <button type="button" data-export="json" ?disabled=${!state.current} @click=${() => on.onExport('json')}>
        Export JSON
      </button>
      <button type="button" data-export="csv" ?disabled=${withRuns.length === 0} @click=${() => on.onExport('csv')}>
        Export CSV
      </button>
      <button
        type="button"
        data-export="markdown"
        ?disabled=${withRuns.length === 0}
        @click=${() => on.onExport('markdown')}
      >
        Export Markdown
      </button>
      <button type="button" data-action="share" ?disabled=${!state.current} @click=${on.onShare}>
        Make share link
      </button>
    </div>
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
      state.shareLink
        ? html`<p class="share">
            <label
              >Share link (the result travels in the fragment; no server sees it)
              <input
                readonly
                .value=${state.shareLink}
                @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()}
            /></label>
          </p>`
        : nothing
    }
    ${sourcesView(state, on)} ${withRuns.length > 0 ? comparisonView(withRuns, state.metric, on.onMetric) : nothing}
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
