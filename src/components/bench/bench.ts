import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { benchDevice } from '../../bench/fingerprint.js';
import { recordIntent } from '../../persistence/run-intent.js';
import { benchmarkModel, type BenchProgress } from '../../bench/model-benchmark.js';
import { saveFile } from '../../bench/save-file.js';
import type { EngineClient } from '../../client/engine-client.js';
import { catalogClient, createEngineClient } from '../../client/shared-client.js';
import { deviceLabel, shortModelName, spread, toCsv, toMarkdown } from '../../core/bench-format.js';
import {
  checkProtocol,
  parsePromptLengths,
  protocolRecord,
  PROTOCOL_LIMITS,
  PROTOCOL_VERSION,
} from '../../core/bench-protocol.js';
import {
  BENCH_METRICS,
  createBenchResult,
  parseBenchResult,
  type BenchMetric,
  type BenchResult,
} from '../../core/bench-schema.js';
import { describeError, serializeError, type FriendlyError } from '../../core/errors.js';
import { formatBytes, formatDuration } from '../../core/format.js';
import { measuredBandwidth, rooflineForRun, rooflineFormula, type RooflinePoint } from '../../core/roofline.js';
import { decodeResultFragment, encodeResultFragment } from '../../core/share-link.js';
import {
  EdgeLlmBenchDoneEvent,
  EdgeLlmBenchProgressEvent,
  EdgeLlmErrorEvent,
  type EdgeLlmRecoverEvent,
} from '../../events.js';
import type {
  ComputeDevice,
  CustomModelSource,
  EngineId,
  GpuProbeOptions,
  GpuProbeReport,
  ProbeKernelId,
} from '../../shared/engine-api.js';
import { themeStyles } from '../theme.js';
import type { ChartBar } from './bench-chart.js';

type Status = 'idle' | 'probing' | 'running';

interface ShownResult {
  /** Where it came from: "This device" or a file name. */
  source: string;
  result: BenchResult;
}

const METRIC_LABELS: Record<BenchMetric, string> = {
  ttftMs: 'Time to first token (ms)',
  prefillTokensPerSecond: 'Prefill tokens/s',
  decodeTokensPerSecond: 'Decode tokens/s',
  peakGpuMemoryBytes: 'Peak GPU memory (MiB)',
};

const KERNEL_LABELS: Record<ProbeKernelId, string> = {
  bandwidth: 'Memory bandwidth (read + write kernel)',
  copy: 'copyBufferToBuffer, same size',
  matmulF32: 'f32 matrix multiply (tiled)',
  matmulF16: 'f16 matrix multiply (shader-f16)',
  matvecQ4: '4-bit dequantize + mat-vec',
};

const MIB = 2 ** 20;

function formatRooflinePercent(point: RooflinePoint | undefined): string {
  if (!point) return '–';
  return point.percent >= 10 ? `${point.percent.toFixed(0)}%` : `${point.percent.toPrecision(2)}%`;
}

function stamp(date: string): string {
  return date.replace(/[:.]/g, '-').slice(0, 19);
}

/**
 * Measures this device: a GPU probe (bandwidth, matmul, 4-bit mat-vec kernels, each checked
 * against a CPU reference) and the model benchmark protocol (cold and warm load, time to first
 * token and prefill at several prompt lengths, decode over a fixed number of tokens, peak GPU
 * memory; warm-up, then repeated runs reported as median with p10-p90). Shows the results
 * against the roofline, exports them as JSON, CSV or Markdown, imports result files to compare
 * side by side, and makes a share link that carries a result in its fragment.
 *
 * @summary The device benchmark: GPU probe, model protocol, roofline, export and compare.
 *
 * @fires edge-llm-bench-progress - A step of the benchmark started (`detail`: { message, fraction }).
 * @fires edge-llm-bench-done - A benchmark or probe finished (`detail`: the result, schema edge-llm/bench@1).
 * @fires edge-llm-error - Something failed (`detail`: { code, title, message, actions }).
 *
 * @csspart chart - The comparison chart.
 *
 * @cssproperty --edge-llm-accent - Accent colour (buttons, bars, focus ring).
 * @cssproperty --edge-llm-background - Background colour.
 * @cssproperty --edge-llm-border - Borders.
 */
export class EdgeLlmBench extends LitElement {
  static override styles = [
    themeStyles,
    css`
      :host {
        display: block;
        container-type: inline-size;
      }
      section {
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        padding: var(--_space);
        margin-bottom: var(--_space);
        background: var(--_bg);
      }
      h2 {
        font-size: 1.05rem;
        margin: 0 0 0.6em;
      }
      h3 {
        font-size: 0.95rem;
        margin: 1em 0 0.4em;
      }
      form {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
        gap: 0.6em var(--_space);
        align-items: end;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 0.2em;
        font-size: 0.9em;
      }
      label.wide {
        grid-column: span 2;
      }
      input,
      select {
        font: inherit;
        padding: 0.35em 0.5em;
        border: 1px solid var(--_border);
        border-radius: calc(var(--_radius) * 0.6);
        background: var(--_bg);
        color: var(--_text);
        min-width: 0;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em;
        align-items: center;
        margin-top: 0.8em;
      }
      progress {
        width: 100%;
        height: 0.8em;
        accent-color: var(--_accent);
      }
      .table-wrap {
        overflow-x: auto;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: 0.88em;
      }
      th,
      td {
        text-align: left;
        padding: 0.35em 0.5em;
        border-bottom: 1px solid var(--_border);
        vertical-align: top;
      }
      td.num,
      th.num {
        text-align: right;
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
      }
      .ok {
        color: var(--_ok);
      }
      .bad {
        color: var(--_danger);
      }
      .formula {
        font-family: var(--_mono);
        background: var(--_surface);
        padding: 0.4em 0.6em;
        border-radius: calc(var(--_radius) * 0.5);
        display: inline-block;
      }
      ul.errors {
        color: var(--_danger);
        padding-left: 1.2em;
      }
      .share input {
        width: 100%;
        font-family: var(--_mono);
        font-size: 0.85em;
      }
      @container (max-width: 36rem) {
        label.wide {
          grid-column: auto;
        }
      }
    `,
  ];

  /** Engine to benchmark: "webllm" (default), "transformers", or "double" (the test double). */
  @property() engine: EngineId = 'webllm';
  /** Catalog id of the model to benchmark. */
  @property() model = '';
  /** Where the engine computes, for engines that offer a choice: "webgpu" (default) or "wasm". */
  @property() device: ComputeDevice = 'webgpu';
  /** CPU threads for engines that run them (llama.cpp); unset: the device's cores minus one. */
  @property({ type: Number }) threads: number | undefined;
  /** Extra catalog entries `model` may name (self-hosted models). */
  @property({ attribute: false }) customModels: CustomModelSource | undefined;
  /** Measured runs per prompt length. */
  @property({ type: Number }) runs = 3;
  /** Runs thrown away before the measured ones, per prompt length. */
  @property({ type: Number, attribute: 'warmup-runs' }) warmupRuns = 1;
  /** Output tokens per run. */
  @property({ type: Number, attribute: 'decode-tokens' }) decodeTokens = 128;
  /** Prompt lengths in tokens, separated by spaces or commas; capped by the context window. */
  @property({ attribute: 'prompt-lengths' }) promptLengths = '128 512 1024';
  /**
   * Leave a crash marker while measuring, so the next visit can say a benchmark never finished
   * (the app turns this on; see src/persistence/run-intent.ts).
   */
  @property({ type: Boolean, attribute: 'crash-markers' }) crashMarkers = false;
  /** Sizes and runs of the GPU probe's kernels; the probe's defaults when unset. */
  @property({ attribute: false }) probeOptions: GpuProbeOptions | undefined;

  @state() private status: Status = 'idle';
  @state() private progress: BenchProgress | undefined;
  @state() private error: FriendlyError | undefined;
  @state() private formError = '';
  @state() private current: BenchResult | undefined;
  @state() private imported: ShownResult[] = [];
  @state() private importErrors: string[] = [];
  @state() private metric: BenchMetric = 'decodeTokensPerSecond';
  @state() private shareLink = '';
  @state() private catalogIds: string[] = [];

  private client: EngineClient | undefined;
  private controller: AbortController | undefined;

  override connectedCallback() {
    super.connectedCallback();
    this.addEventListener('edge-llm-recover', this.onRecover);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.removeEventListener('edge-llm-recover', this.onRecover);
    this.controller?.abort();
  }

  protected override updated(changed: Map<PropertyKey, unknown>) {
    if (changed.has('engine') || changed.has('customModels')) void this.loadCatalogIds();
  }

  /** The result measured on this device in this session, if any. */
  get result(): BenchResult | undefined {
    return this.current;
  }

  /** Runs the GPU probe alone; the result then holds the probe and no model runs. */
  async probe(): Promise<BenchResult> {
    return this.measure(false);
  }

  /** Runs the GPU probe, then the model benchmark protocol on `model`. */
  async run(): Promise<BenchResult> {
    return this.measure(true);
  }

  /** Stops the benchmark in flight; the model is unloaded. */
  cancel(): void {
    this.controller?.abort();
  }

  /** Reads result files (JSON) to compare. Bad files are listed with the reason; good ones are shown. */
  async importFiles(files: Iterable<File>): Promise<void> {
    const errors: string[] = [];
    for (const file of files) {
      const parsed = parseBenchResult(await file.text());
      if (parsed.ok) this.imported = [...this.imported, { source: file.name, result: parsed.value }];
      else errors.push(`${file.name}: ${parsed.error}`);
    }
    this.importErrors = errors;
  }

  /** Shows the result a share link carries (`#r=…`). Resolves false, with the reason shown, when it cannot. */
  async importFragment(hash: string): Promise<boolean> {
    const parsed = await decodeResultFragment(hash);
    if (parsed.ok) {
      this.imported = [...this.imported, { source: 'Shared link', result: parsed.value }];
      this.importErrors = [];
    } else {
      this.importErrors = [`Shared link: ${parsed.error}`];
    }
    return parsed.ok;
  }

  /** The shown results in a format: "json" (this device's result), "csv" or "markdown" (all shown). */
  exportText(format: 'json' | 'csv' | 'markdown'): string {
    if (format === 'json') return this.current ? `${JSON.stringify(this.current, null, 2)}\n` : '';
    const results = this.shown().map((shown) => shown.result);
    return format === 'csv' ? toCsv(results) : toMarkdown(results);
  }

  override render() {
    const busy = this.status !== 'idle';
    return html`
      ${this.renderSetup(busy)}
      ${this.error ? html`<edge-llm-error-panel .error=${this.error}></edge-llm-error-panel>` : nothing}
      ${this.current?.probe ? this.renderProbe(this.current.probe) : nothing} ${this.renderResults()}
    `;
  }

  private renderSetup(busy: boolean) {
    return html`<section aria-labelledby="setup-heading">
      <h2 id="setup-heading">Benchmark this device</h2>
      <p class="muted">
        Protocol ${PROTOCOL_VERSION}: cold then warm load; after calibrating prompt lengths, warm-up runs then measured
        runs at each prompt length, greedy, ${this.decodeTokens} output tokens (end-of-sequence ignored where the engine
        allows). Figures are the median with p10–p90 over the measured runs.
      </p>
      <form @submit=${this.onSubmit} @change=${this.onFormChange}>
        <label
          >Engine
          <select name="engine" .value=${this.engine} ?disabled=${busy}>
            <option value="webllm" ?selected=${this.engine === 'webllm'}>web-llm (MLC)</option>
            <option value="transformers" ?selected=${this.engine === 'transformers'}>transformers.js (ONNX)</option>
            <option value="llamacpp" ?selected=${this.engine === 'llamacpp'}>llama.cpp (GGUF)</option>
            ${this.engine === 'double' ? html`<option value="double" selected>Engine double (tests)</option>` : nothing}
          </select>
        </label>
        <label class="wide"
          >Model
          <input
            name="model"
            list="bench-models"
            .value=${this.model}
            ?disabled=${busy}
            autocomplete="off"
            spellcheck="false"
          />
          <datalist id="bench-models">${this.catalogIds.map((id) => html`<option value=${id}></option>`)}</datalist>
        </label>
        ${
          this.engine === 'transformers' || this.engine === 'llamacpp'
            ? html`<label
                >Compute on
                <select name="device" ?disabled=${busy}>
                  <option value="webgpu" ?selected=${this.device === 'webgpu'}>WebGPU</option>
                  <option value="wasm" ?selected=${this.device === 'wasm'}>WebAssembly (CPU)</option>
                </select>
              </label>`
            : nothing
        }
        ${this.numberField('Measured runs', 'runs', PROTOCOL_LIMITS.runs, this.runs, busy)}
        ${this.numberField('Warm-up runs', 'warmup-runs', PROTOCOL_LIMITS.warmupRuns, this.warmupRuns, busy)}
        ${this.numberField('Decode tokens', 'decode-tokens', PROTOCOL_LIMITS.decodeTokens, this.decodeTokens, busy)}
        <label
          >Prompt lengths (tokens)
          <input name="prompt-lengths" .value=${this.promptLengths} ?disabled=${busy} />
        </label>
      </form>
      <div class="actions">
        <button
          type="button"
          data-action="probe"
          ?disabled=${busy}
          @click=${() => void this.probe().catch(() => undefined)}
        >
          Run GPU probe
        </button>
        <button
          type="button"
          class="primary"
          data-action="run"
          ?disabled=${busy || !this.model}
          @click=${() => void this.run().catch(() => undefined)}
        >
          Run benchmark
        </button>
        ${busy ? html`<button type="button" data-action="cancel" @click=${() => this.cancel()}>Cancel</button>` : nothing}
        <span class="bad" role="alert">${this.formError}</span>
      </div>
      <div role="status" aria-live="polite" class="progress">
        ${
          busy && this.progress
            ? html`<p>
                  ${this.progress.message}${
                    this.progress.load?.fraction !== undefined
                      ? ` (${Math.round(this.progress.load.fraction * 100)}%)`
                      : ''
                  }
                </p>
                <progress max="1" .value=${this.progress.fraction} aria-label="Benchmark progress"></progress>`
            : nothing
        }
      </div>
    </section>`;
  }

  private numberField(label: string, name: string, limits: { min: number; max: number }, value: number, busy: boolean) {
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

  private renderProbe(probe: GpuProbeReport) {
    const kernels = Object.entries(probe.kernels) as [ProbeKernelId, GpuProbeReport['kernels'][ProbeKernelId]][];
    const bandwidth = measuredBandwidth(probe);
    return html`<section aria-labelledby="probe-heading">
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
                kernel.gbPerSecond ? `${spread({ ...kernel.gbPerSecond, n: kernel.gbPerSecond.runs })} GB/s` : '',
                kernel.gflopPerSecond
                  ? `${spread({ ...kernel.gflopPerSecond, n: kernel.gflopPerSecond.runs })} GFLOP/s`
                  : '',
              ].filter(Boolean);
              const speed = speeds.length > 0 ? speeds.join(' · ') : '–';
              return html`<tr data-kernel=${id}>
                <th scope="row">${KERNEL_LABELS[id]}</th>
                <td>${kernel.size}</td>
                <td>
                  ${
                    kernel.check
                      ? html`<span class=${kernel.check.passed ? 'ok' : 'bad'}
                            >${kernel.check.passed ? 'passed' : 'failed'}</span
                          >
                          <span class="muted">(max error ${kernel.check.maxError.toPrecision(2)})</span>`
                      : kernel.status === 'ok'
                        ? html`<span class="muted">not needed</span>`
                        : html`<span class="muted">${kernel.status}${kernel.reason ? `: ${kernel.reason}` : ''}</span>`
                  }
                </td>
                <td class="num">${speed}</td>
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

  private renderResults() {
    const shown = this.shown();
    const withRuns = shown.filter((entry) => entry.result.runs.length > 0);
    return html`<section aria-labelledby="results-heading">
      <h2 id="results-heading">Results</h2>
      <div class="actions">
        <label
          >Import results (JSON)
          <input type="file" name="import" accept=".json,application/json" multiple @change=${this.onImport} />
        </label>
        <button type="button" data-export="json" ?disabled=${!this.current} @click=${() => this.save('json')}>
          Export JSON
        </button>
        <button type="button" data-export="csv" ?disabled=${withRuns.length === 0} @click=${() => this.save('csv')}>
          Export CSV
        </button>
        <button
          type="button"
          data-export="markdown"
          ?disabled=${withRuns.length === 0}
          @click=${() => this.save('markdown')}
        >
          Export Markdown
        </button>
        <button type="button" data-action="share" ?disabled=${!this.current} @click=${this.onShare}>
          Make share link
        </button>
      </div>
      ${
        this.importErrors.length > 0
          ? html`<div role="alert">
              <ul class="errors" data-import-errors>
                ${this.importErrors.map((message) => html`<li>${message}</li>`)}
              </ul>
            </div>`
          : nothing
      }
      ${
        this.shareLink
          ? html`<p class="share">
              <label
                >Share link (the result travels in the fragment; no server sees it)
                <input
                  readonly
                  .value=${this.shareLink}
                  @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()}
              /></label>
            </p>`
          : nothing
      }
      ${
        shown.length > 0
          ? html`<ul class="sources">
              ${shown.map(
                (entry, i) =>
                  html`<li data-source=${entry.source}>
                    ${entry.source}: ${deviceLabel(entry.result)}, ${entry.result.runs.length} run(s),
                    ${new Date(entry.result.createdAt).toLocaleString()}
                    ${
                      i > 0 || !this.current
                        ? html`<button
                            type="button"
                            data-remove=${entry.source}
                            @click=${() => this.removeImported(entry)}
                          >
                            Remove
                          </button>`
                        : nothing
                    }
                  </li>`,
              )}
            </ul>`
          : html`<p class="muted">Run the benchmark or import result files to see them here.</p>`
      }
      ${withRuns.length > 0 ? this.renderComparison(withRuns) : nothing}
      ${
        this.current?.notes?.length
          ? html`<h3>Notes</h3>
              <ul data-notes>
                ${this.current.notes.map((note) => html`<li>${note}</li>`)}
              </ul>`
          : nothing
      }
    </section>`;
  }

  private renderComparison(shown: ShownResult[]) {
    const rows = shown.flatMap((entry) =>
      entry.result.runs.map((run, i) => {
        const summary = entry.result.summary[i]!;
        const point = rooflineForRun(
          { ...run, decodeTokensPerSecond: summary.decodeTokensPerSecond.median },
          measuredBandwidth(entry.result.probe),
        );
        return { entry, run, summary, point };
      }),
    );
    const bars: ChartBar[] = rows.map(({ entry, run, summary }) => {
      const figure = summary[this.metric];
      const scale = this.metric === 'peakGpuMemoryBytes' ? MIB : 1;
      return {
        label: `${shown.length > 1 ? `${entry.source} · ` : ''}${shortModelName(run.model)} · ${run.promptTokens} tok`,
        median: figure.median / scale,
        p10: figure.p10 / scale,
        p90: figure.p90 / scale,
        n: figure.n,
      };
    });
    return html`
      <div class="table-wrap" tabindex="0" role="region" aria-label="Benchmark runs">
        <table data-table="runs">
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Engine · model</th>
              <th scope="col" class="num">Prompt tokens</th>
              <th scope="col" class="num">Cold load</th>
              <th scope="col" class="num">Warm load</th>
              <th scope="col" class="num">TTFT ms</th>
              <th scope="col" class="num">Prefill tok/s</th>
              <th scope="col" class="num">Decode tok/s</th>
              <th scope="col" class="num">Peak GPU MiB</th>
              <th scope="col" class="num">% of roofline</th>
              <th scope="col" class="num">n</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              ({ entry, run, summary, point }) =>
                html`<tr>
                  <td>${entry.source}</td>
                  <td>${run.engine}${run.computeDevice ? ` (${run.computeDevice})` : ''} · ${run.model}</td>
                  <td class="num">${run.promptTokens}</td>
                  <td class="num">${formatDuration(run.coldLoadMs)}</td>
                  <td class="num">${formatDuration(run.warmLoadMs)}</td>
                  <td class="num">${spread(summary.ttftMs)}</td>
                  <td class="num">${spread(summary.prefillTokensPerSecond)}</td>
                  <td class="num" data-metric="decode">${spread(summary.decodeTokensPerSecond)}</td>
                  <td class="num">${spread(summary.peakGpuMemoryBytes, MIB)}</td>
                  <td class="num" data-metric="roofline">${formatRooflinePercent(point)}</td>
                  <td class="num">${summary.decodeTokensPerSecond.n}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <h3>
        <label
          >Chart
          <select name="metric" @change=${this.onMetric}>
            ${BENCH_METRICS.map(
              (metric) =>
                html`<option value=${metric} ?selected=${metric === this.metric}>${METRIC_LABELS[metric]}</option>`,
            )}
          </select></label
        >
      </h3>
      <edge-llm-bench-chart
        exportparts="chart"
        .bars=${bars}
        .metric=${METRIC_LABELS[this.metric]}
      ></edge-llm-bench-chart>
      <h3 id="roofline-heading">Roofline</h3>
      <p><span class="formula" data-formula>${rooflineFormula()}</span></p>
      <p class="muted">
        Decoding a token reads every weight once plus the KV cache so far (taken at the run's average context: the
        prompt plus half the output), so memory bandwidth caps decode speed.
      </p>
      <ul data-roofline aria-labelledby="roofline-heading">
        ${rows.map(({ entry, run, summary, point }) =>
          point
            ? html`<li>
                ${entry.source} · ${run.model} · ${run.promptTokens} prompt tokens: ${formatBytes(run.weightBytes)}
                weights + ${formatBytes(run.kvBytesPerToken ?? 0)}/token KV ×
                ${run.promptTokens + (run.decodeTokens ?? 0) / 2} tokens = ${formatBytes(point.bytesPerToken)} per
                token; ${point.bandwidth.gbPerSecond.toFixed(2)} GB/s ÷ that = at most
                ${point.boundTokensPerSecond.toFixed(0)} tokens/s; measured
                ${summary.decodeTokensPerSecond.median.toFixed(1)} = <strong>${formatRooflinePercent(point)}</strong>
              </li>`
            : html`<li class="muted">
                ${entry.source} · ${run.model}:
                ${entry.result.probe ? 'the engine did not report the weights’ size' : 'no GPU probe in this result'},
                so no bound.
              </li>`,
        )}
      </ul>
    `;
  }

  private shown(): ShownResult[] {
    return [...(this.current ? [{ source: 'This device', result: this.current }] : []), ...this.imported];
  }

  private async measure(withModel: boolean): Promise<BenchResult> {
    if (this.status !== 'idle') throw new Error('A benchmark is already running.');
    const protocol = checkProtocol({
      runs: this.runs,
      warmupRuns: this.warmupRuns,
      decodeTokens: this.decodeTokens,
      promptLengths: parsePromptLengths(this.promptLengths),
    });
    if (!protocol.ok) {
      this.formError = `Check the settings: ${protocol.error}.`;
      throw new RangeError(protocol.error);
    }
    if (withModel && !this.model) {
      this.formError = 'Choose a model to benchmark.';
      throw new Error(this.formError);
    }
    this.formError = '';
    this.error = undefined;
    this.shareLink = '';
    this.status = withModel ? 'running' : 'probing';
    const controller = new AbortController();
    this.controller = controller;
    const client = (this.client ??= createEngineClient());
    // Written before the GPU work starts, removed however it ends, unless the tab dies first.
    const intent = this.crashMarkers
      ? recordIntent({
          kind: 'bench',
          engine: this.engine,
          model: withModel ? this.model : 'GPU probe',
          device: this.device,
        })
      : undefined;
    const report = (progress: BenchProgress) => {
      this.progress = progress;
      this.dispatchEvent(new EdgeLlmBenchProgressEvent(progress));
    };
    try {
      report({ message: 'Reading the GPU adapter', fraction: 0 });
      const device = await client.probeDevice();
      if (device.webgpu !== 'available') {
        throw Object.assign(new Error(`WebGPU is not available here (${device.webgpu}).`), {
          name: device.webgpu === 'no-adapter' ? 'NoAdapterError' : 'WebGPUNotAvailableError',
        });
      }
      report({ message: 'GPU probe: bandwidth, matmul and 4-bit mat-vec kernels', fraction: 0 });
      const probe = await client.probeGpu(this.probeOptions);
      controller.signal.throwIfAborted();
      let runs: BenchResult['runs'] = [];
      let notes: string[] = [];
      if (withModel) {
        ({ runs, notes } = await benchmarkModel(
          client,
          {
            engine: this.engine,
            model: this.model,
            device: this.device,
            threads: this.threads,
            custom: this.customModels,
          },
          protocol.value,
          { onProgress: report, signal: controller.signal },
        ));
      }
      const result = createBenchResult({
        device: benchDevice(device),
        probe,
        runs,
        notes,
        ...(withModel ? { protocol: protocolRecord(protocol.value) } : {}),
      });
      this.current = result;
      this.dispatchEvent(new EdgeLlmBenchDoneEvent(result));
      return result;
    } catch (error) {
      if ((error as Error).name !== 'AbortError') {
        const friendly = describeError(serializeError(error));
        console.error(`[edge-llm] ${friendly.code}:`, error);
        this.error = friendly;
        this.dispatchEvent(
          new EdgeLlmErrorEvent({
            code: friendly.code,
            title: friendly.title,
            message: friendly.message,
            actions: friendly.actions,
          }),
        );
      }
      throw error;
    } finally {
      intent?.clear();
      this.status = 'idle';
      this.progress = undefined;
      this.controller = undefined;
      // The benchmark's worker holds nothing worth keeping: free its memory for the page.
      this.client?.dispose();
      this.client = undefined;
    }
  }

  private async loadCatalogIds() {
    try {
      const models = await catalogClient().listModels(this.engine, this.customModels);
      this.catalogIds = models.map((model) => model.id);
    } catch {
      // The datalist only suggests; a model id typed by hand still works.
      this.catalogIds = [];
    }
  }

  private save(format: 'json' | 'csv' | 'markdown') {
    const created = stamp(this.current?.createdAt ?? new Date().toISOString());
    const [extension, type] =
      format === 'json'
        ? ['json', 'application/json']
        : format === 'csv'
          ? ['csv', 'text/csv']
          : ['md', 'text/markdown'];
    saveFile(`edge-llm-bench-${created}.${extension}`, this.exportText(format), type);
  }

  private removeImported(entry: ShownResult) {
    this.imported = this.imported.filter((candidate) => candidate !== entry);
  }

  private readonly onRecover = (event: EdgeLlmRecoverEvent) => {
    if (event.detail.action === 'retry') {
      event.stopPropagation();
      this.error = undefined;
      void this.run().catch(() => undefined);
    }
  };

  private onSubmit(event: Event) {
    event.preventDefault();
  }

  private onFormChange(event: Event) {
    const field = event.target as HTMLInputElement | HTMLSelectElement;
    const number = Number(field.value);
    switch (field.name) {
      case 'engine':
        this.engine = field.value as EngineId;
        break;
      case 'model':
        this.model = field.value.trim();
        break;
      case 'device':
        this.device = field.value as ComputeDevice;
        break;
      case 'runs':
        this.runs = number;
        break;
      case 'warmup-runs':
        this.warmupRuns = number;
        break;
      case 'decode-tokens':
        this.decodeTokens = number;
        break;
      case 'prompt-lengths':
        this.promptLengths = field.value;
        break;
    }
  }

  private onMetric(event: Event) {
    this.metric = (event.target as HTMLSelectElement).value as BenchMetric;
  }

  private async onImport(event: Event) {
    const input = event.target as HTMLInputElement;
    await this.importFiles(Array.from(input.files ?? []));
    input.value = '';
  }

  private async onShare() {
    if (!this.current) return;
    const fragment = await encodeResultFragment(this.current);
    const url = new URL(location.href);
    url.searchParams.set('view', 'bench');
    url.hash = fragment.slice(1);
    this.shareLink = url.href;
    // Copying is a convenience: the link is shown either way, and a denied clipboard is no error.
    await navigator.clipboard?.writeText(this.shareLink).catch(() => undefined);
  }
}
