import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { catalogClient } from '../../client/shared-client.js';
import { exportFileName, EXPORT_FORMATS, toCsv, toMarkdown, type ExportFormat } from '../../core/bench-export.js';
import { parseBenchResult, type BenchMetric, type BenchResult } from '../../core/bench-schema.js';
import { decodeResultFragment, encodeResultFragment } from '../../core/share-link.js';
import type { EdgeLlmRecoverEvent } from '../../events.js';
import type { ComputeDevice, CustomModelSource, EngineId, GpuProbeOptions } from '../../shared/engine-api.js';
import { saveFile } from '../save-file.js';
import { cardStyles, formStyles, measureViewStyles } from '../shared-styles.js';
import { themeStyles } from '../theme.js';
import { benchStyles } from './bench.styles.js';
import { BenchRunner, type BenchSettings } from './bench-runner.js';
import { correctnessView, probeView, resultsView, setupView, type ShownResult } from './bench-views.js';
import { compareView } from './bench-compare-view.js';
import { comparisonMarkdown } from '../../core/comparison-table.js';
import { variantLabel } from '../../core/comparison-variants.js';
import { engineName } from '../../core/engines.js';
import type { ComparisonPlan, ComparisonVariant } from '../../measure/engine-comparison.js';

/**
 * Measures this device: a GPU probe (bandwidth, matmul, 4-bit mat-vec kernels, each checked
 * against a CPU reference) and the model benchmark protocol (cold and warm load, time to first
 * token and prefill at several prompt lengths, decode over a fixed number of tokens, peak GPU
 * memory; warm-up, then repeated runs reported as median with p10-p90), then the correctness
 * check (the model's next-token choices on this device against the CPU's). Shows the results
 * against the roofline, exports them as JSON, CSV or Markdown, imports result files to compare
 * side by side, and makes a share link that carries a result in its fragment. Compares engines:
 * the same protocol over several engines, devices and models in one run, each figure as a ratio
 * to the fastest; and measures a model's speed without downloading it (synthetic weights).
 *
 * @summary The device benchmark: GPU probe, model protocol, roofline, export and compare.
 *
 * @fires edge-llm-bench-progress - A step of the benchmark started (`detail`: { message, fraction }).
 * @fires edge-llm-bench-done - A benchmark or probe finished (`detail`: the result, schema edge-llm/bench@2).
 * @fires edge-llm-error - Something failed (`detail`: { code, title, message, actions }).
 *
 * @csspart chart - The comparison chart.
 *
 * @cssproperty --edge-llm-accent - Accent colour (buttons, bars, focus ring).
 * @cssproperty --edge-llm-background - Background colour.
 * @cssproperty --edge-llm-border - Borders.
 */
export class EdgeLlmBench extends LitElement implements BenchSettings {
  static override styles = [themeStyles, formStyles, cardStyles, measureViewStyles, benchStyles];

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
  /**
   * Leave out the correctness check after the protocol (the model read once more on this device
   * and once on the CPU; see docs/benchmark-protocol.md).
   */
  @property({ type: Boolean, attribute: 'skip-correctness' }) skipCorrectness = false;
  /** Sizes and runs of the GPU probe's kernels; the probe's defaults when unset. */
  @property({ attribute: false }) probeOptions: GpuProbeOptions | undefined;

  @state() private imported: ShownResult[] = [];
  @state() private importErrors: string[] = [];
  @state() private metric: BenchMetric = 'decodeTokensPerSecond';
  @state() private shareLink = '';
  @state() private catalogIds: string[] = [];
  @state() private compareVariants: ComparisonVariant[] = [];

  private readonly runner = new BenchRunner(this);

  override connectedCallback() {
    super.connectedCallback();
    this.addEventListener('edge-llm-recover', this.onRecover);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.removeEventListener('edge-llm-recover', this.onRecover);
  }

  protected override updated(changed: Map<PropertyKey, unknown>) {
    if (changed.has('engine') || changed.has('customModels')) void this.loadCatalogIds();
  }

  /** The result measured on this device in this session, if any. */
  get result(): BenchResult | undefined {
    return this.runner.result;
  }

  /** Runs the GPU probe alone; the result then holds the probe and no model runs. */
  probe(): Promise<BenchResult> {
    return this.measure(false);
  }

  /** Runs the GPU probe, then the model benchmark protocol on `model`. */
  run(): Promise<BenchResult> {
    return this.measure(true);
  }

  /**
   * Runs the GPU probe, then the protocol on every engine variant of `plan` (by default the ones
   * added under "Compare engines") one after the other; the result carries the comparison.
   */
  compare(plan?: ComparisonPlan): Promise<BenchResult> {
    const chosen = plan ?? { subject: 'Chosen models', variants: this.compareVariants, agreement: false };
    this.shareLink = '';
    return this.runner.measure(true, { plan: chosen });
  }

  /**
   * Measures `model` without downloading its weights: random weights of the same shapes, made in
   * the worker and never stored; every figure is marked "synthetic weights: speed only, no quality".
   */
  preview(): Promise<BenchResult> {
    this.shareLink = '';
    return this.runner.measure(true, { synthetic: true });
  }

  /** Stops the benchmark in flight; the model is unloaded. */
  cancel(): void {
    this.runner.cancel();
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
  exportText(format: ExportFormat): string {
    const current = this.runner.result;
    if (format === 'json') return current ? `${JSON.stringify(current, null, 2)}\n` : '';
    const results = this.shown().map((shown) => shown.result);
    if (format === 'csv') return toCsv(results);
    const perRun = results.some((result) => result.runs.length > 0) ? toMarkdown(results) : '';
    return perRun + (current ? comparisonMarkdown(current) : '');
  }

  override render() {
    const runner = this.runner;
    const current = runner.result;
    return html`
      ${setupView(
        {
          settings: this,
          busy: runner.busy,
          catalogIds: this.catalogIds,
          progress: runner.progress,
          formError: runner.formError,
        },
        {
          onChange: (event) => this.onFormChange(event),
          onProbe: () => void this.probe().catch(() => undefined),
          onRun: () => void this.run().catch(() => undefined),
          onCancel: () => this.cancel(),
        },
      )}
      ${compareView(
        { variants: this.compareVariants, busy: runner.busy, canAdd: Boolean(this.model), result: current },
        {
          onAdd: () => this.addVariant(),
          onRemove: (variant) => (this.compareVariants = this.compareVariants.filter((v) => v !== variant)),
          onCompare: () => void this.compare().catch(() => undefined),
          onPreview: () => void this.preview().catch(() => undefined),
        },
      )}
      ${runner.error ? html`<edge-llm-error-panel .error=${runner.error}></edge-llm-error-panel>` : nothing}
      ${current?.probe ? probeView(current.probe) : nothing}
      ${current?.correctness ? correctnessView(current.correctness) : nothing}
      ${resultsView(
        {
          shown: this.shown(),
          current,
          importErrors: this.importErrors,
          shareLink: this.shareLink,
          metric: this.metric,
        },
        {
          onImport: (event) => void this.onImport(event),
          onExport: (format) => this.save(format),
          onShare: () => void this.onShare(),
          onRemove: (entry) => (this.imported = this.imported.filter((candidate) => candidate !== entry)),
          onMetric: (event) => (this.metric = (event.target as HTMLSelectElement).value as BenchMetric),
        },
      )}
    `;
  }

  private measure(withModel: boolean): Promise<BenchResult> {
    this.shareLink = '';
    return this.runner.measure(withModel);
  }

  private shown(): ShownResult[] {
    const current = this.runner.result;
    return [...(current ? [{ source: 'This device', result: current }] : []), ...this.imported];
  }

  /** Adds the form's engine, model and device to the comparison (its precision from the catalog). */
  private async addVariant() {
    const { engine, model, device, threads, customModels } = this;
    const record = await catalogClient()
      .listModels(engine, customModels)
      .then((models) => models.find((candidate) => candidate.id === model))
      .catch(() => undefined);
    const precision = record?.quantization ?? '';
    const variant: ComparisonVariant = {
      label: `${variantLabel(engineName(engine), device, precision)} · ${record?.family ?? model.split('/').at(-1)}`,
      engine,
      model,
      device,
      precision,
      ...(threads === undefined ? {} : { threads }),
      ...(customModels ? { custom: customModels } : {}),
    };
    this.compareVariants = [...this.compareVariants, variant];
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

  private save(format: ExportFormat) {
    const createdAt = this.runner.result?.createdAt ?? new Date().toISOString();
    saveFile(exportFileName(createdAt, format), this.exportText(format), EXPORT_FORMATS[format].mime);
  }

  private readonly onRecover = (event: EdgeLlmRecoverEvent) => {
    if (event.detail.action === 'retry') {
      event.stopPropagation();
      this.runner.clearError();
      void this.run().catch(() => undefined);
    }
  };

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
      case 'check-correctness':
        this.skipCorrectness = !(field as HTMLInputElement).checked;
        break;
    }
  }

  private async onImport(event: Event) {
    const input = event.target as HTMLInputElement;
    await this.importFiles(Array.from(input.files ?? []));
    input.value = '';
  }

  private async onShare() {
    const current = this.runner.result;
    if (!current) return;
    const fragment = await encodeResultFragment(current);
    const url = new URL(location.href);
    url.searchParams.set('view', 'bench');
    url.hash = fragment.slice(1);
    this.shareLink = url.href;
    // Copying is a convenience: the link is shown either way, and a denied clipboard is no error.
    await navigator.clipboard?.writeText(this.shareLink).catch(() => undefined);
  }
}
