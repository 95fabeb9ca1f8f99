import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { catalogClient, createEngineClient } from '../../client/shared-client.js';
import type { ForcedComparison } from '../../core/agreement.js';
import { EXPORT_FORMATS, exportFileName, type ExportFormat } from '../../core/bench-export.js';
import { evalToCsv, evalToMarkdown } from '../../core/eval-format.js';
import type { EvalResult } from '../../core/eval-schema.js';
import type { SuiteLanguage } from '../../core/eval/item.js';
import { mergeForExport } from '../../core/eval/saved.js';
import { parseUserSuite, type UserSuiteResult } from '../../core/eval/user-suite.js';
import { chosenSuite, USER_SUITE_PREFIX } from '../../core/eval/chosen-suite.js';
import type { EdgeLlmRecoverEvent } from '../../events.js';
import { compareModels, type ForcedSubject } from '../../measure/correctness.js';
import type { ComputeDevice, CustomModelSource, EngineId } from '../../shared/engine-api.js';
import { saveFile } from '../save-file.js';
import { cardStyles, formStyles, measureViewStyles } from '../shared-styles.js';
import { themeStyles } from '../theme.js';
import { evalStyles } from './eval.styles.js';
import { EvalResultsController } from './eval-results-controller.js';
import { EvalRunController, type EvalRunSettings } from './eval-run-controller.js';
import { resultsView } from './eval-results-view.js';
import { formChange, setupView, type EvalFormSettings } from './eval-setup-view.js';

/** Horizontal padding and borders of the results card, in pixels (theme spacing 12px). */
const CARD_INSET = 26;

/**
 * Which model is good enough, fast enough and small enough for a task, on this device: runs a
 * task suite (built-in, or the user's own JSONL, kept in this browser) against several models
 * and shows accuracy with its 95% interval beside seconds per item, decode tokens/s, time to
 * first token, peak memory and download size, as a table and a scatter with the Pareto front;
 * recommends the most accurate model that fits and reaches a speed the user sets; optionally
 * checks each model computes here like on the CPU. Results are kept per device and shown again
 * on the next visit; they export as JSON (`edge-llm/eval@1`), CSV and Markdown, and import to
 * compare devices. Nothing is sent anywhere.
 *
 * @summary Accuracy beside speed and memory, per model, on this device.
 *
 * @fires edge-llm-eval-progress - A step of the evaluation (`detail`: { message, fraction, model, models, answered, correct }).
 * @fires edge-llm-eval-done - An evaluation finished (`detail`: the result, schema edge-llm/eval@1).
 * @fires edge-llm-error - Something failed (`detail`: { code, title, message, actions }).
 *
 * @csspart scatter - The accuracy-against-speed scatter (SVG).
 *
 * @cssproperty --edge-llm-accent - Accent colour (buttons, the Pareto front, focus ring).
 * @cssproperty --edge-llm-background - Background colour.
 * @cssproperty --edge-llm-border - Borders and grid lines.
 */
export class EdgeLlmEval extends LitElement implements EvalRunSettings, EvalFormSettings {
  static override styles = [themeStyles, formStyles, cardStyles, measureViewStyles, evalStyles];

  /** Engine that runs the models: "webllm" (default), "transformers", or "double" (the test double). */
  @property() engine: EngineId = 'webllm';
  /** A model to offer for adding (the app passes the model picked in its list). */
  @property() model = '';
  /** The models to evaluate, catalog ids of `engine`. */
  @property({ attribute: false }) models: string[] = [];
  /** Where the engine computes, for engines that offer a choice: "webgpu" (default) or "wasm". */
  @property() device: ComputeDevice = 'webgpu';
  /** Extra catalog entries the models may name (self-hosted models). */
  @property({ attribute: false }) customModels: CustomModelSource | undefined;
  /** A built-in suite (arithmetic, extraction, classification, instructions), or "user:" and the name of one kept here. */
  @property() suite = 'arithmetic';
  /** Language of a built-in suite: "en" or "zh". */
  @property({ attribute: 'suite-lang' }) suiteLang: SuiteLanguage = 'en';
  /** Items of a built-in suite. */
  @property({ type: Number }) count = 60;
  /** Seed of a built-in suite. */
  @property({ type: Number }) seed = 13;
  /** The fixed output limit per answer, in tokens. */
  @property({ type: Number, attribute: 'max-tokens' }) maxTokens = 128;
  /** Also check each model computes here like on the CPU (teacher forcing over a fixed text). */
  @property({ type: Boolean, attribute: 'check-correctness' }) checkCorrectness = false;
  /** The decode speed (tokens/s) the recommended model must reach. */
  @property({ type: Number, attribute: 'min-speed' }) minSpeed = 10;
  /** Leave a crash marker per model while evaluating, so the next visit can say a run never finished. */
  @property({ type: Boolean, attribute: 'crash-markers' }) crashMarkers = false;

  @state() private catalogIds: string[] = [];
  @state() private draft = '';
  @state() private suiteProblems: string[] = [];
  @state() private suiteWarnings: string[] = [];
  @state() private group = '';
  /** The scatter's width: what the element's card leaves, followed as the element resizes. */
  @state() private chartWidth = 480;

  private readonly runner = new EvalRunController(this);
  private readonly results = new EvalResultsController(this);
  private readonly resizes = new ResizeObserver(([entry]) => {
    // The card's padding and border; whole 10-pixel steps, so a resize redraws rarely.
    const width = Math.floor(((entry?.contentRect.width ?? 0) - CARD_INSET) / 10) * 10;
    if (width > 0 && width !== this.chartWidth) this.chartWidth = width;
  });

  override connectedCallback() {
    super.connectedCallback();
    this.addEventListener('edge-llm-recover', this.onRecover);
    this.resizes.observe(this);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.removeEventListener('edge-llm-recover', this.onRecover);
    this.resizes.disconnect();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>) {
    // Model ids belong to an engine: another engine (chosen here or in the app) starts a new list,
    // unless the list was set with it.
    if (changed.has('engine') && changed.get('engine') !== undefined && !changed.has('models')) this.models = [];
  }

  protected override updated(changed: Map<PropertyKey, unknown>) {
    if (changed.has('engine') || changed.has('customModels')) void this.loadCatalogIds();
    if (changed.has('model')) {
      // Offer the model picked elsewhere, unless the visitor has typed one of their own.
      const offered = changed.get('model') as string | undefined;
      if ((this.draft === '' || this.draft === offered) && !this.models.includes(this.model)) this.draft = this.model;
    }
  }

  /** This device's results (kept in this browser), oldest first. */
  get savedResults(): EvalResult[] {
    return this.results.saved;
  }

  /** Resolves once the kept suites and results have been read back. */
  get restored(): Promise<void> {
    return this.results.restored;
  }

  /** Evaluates `models` (or the model offered, when none was added) on the chosen suite; keeps the result. */
  async run(): Promise<EvalResult> {
    if (this.models.length === 0 && this.draft) this.models = [this.draft];
    await this.results.restored;
    const { suite, suiteLang: lang, count, seed } = this;
    const chosen = chosenSuite({ suite, lang, count, seed }, this.results.suites);
    if (!chosen.ok) return this.runner.refuse(chosen.error);
    const result = await this.runner.run(chosen.suite, this.models);
    this.group = result.suite.fingerprint;
    await this.results.add(result);
    return result;
  }

  /** Stops the evaluation in flight; models answered so far are kept. */
  cancel(): void {
    this.runner.cancel();
  }

  /** Checks a JSONL suite line by line; a good one is kept in this browser and chosen. */
  async useSuiteText(text: string, name: string): Promise<UserSuiteResult> {
    const read = parseUserSuite(text, name);
    this.suiteProblems = read.ok ? [] : read.errors.map((error) => `${name}: ${error}`);
    this.suiteWarnings = read.warnings;
    if (read.ok) {
      await this.results.restored;
      await this.results.saveSuite(name, text);
      this.suite = `${USER_SUITE_PREFIX}${name}`;
    }
    return read;
  }

  /** Forgets a suite kept in this browser. */
  async forgetSuite(name: string): Promise<void> {
    await this.results.forgetSuite(name);
    if (this.suite === `${USER_SUITE_PREFIX}${name}`) this.suite = 'arithmetic';
  }

  /** Forgets this device's kept results. */
  clearResults(): Promise<void> {
    return this.results.clear();
  }

  /** Reads result files (JSON) to compare. Bad files are listed with the reason. */
  importFiles(files: Iterable<File>): Promise<void> {
    return this.results.importFiles(files);
  }

  /** The shown suite's results: "json" this device's (one file), "csv" and "markdown" every one shown. */
  exportText(format: ExportFormat): string {
    const group = this.shownGroup();
    if (format === 'json') {
      const merged = mergeForExport(group?.results.filter((result) => this.results.isThisDevice(result)) ?? []);
      return merged ? `${JSON.stringify(merged, null, 2)}\n` : '';
    }
    const results = group?.results ?? [];
    return format === 'csv' ? evalToCsv(results) : evalToMarkdown(results);
  }

  /**
   * Compares two models' next-token choices over the fixed passage (teacher forcing): the same
   * model in two engines or on two devices, or two builds of one model sharing a tokenizer.
   */
  async agreement(a: ForcedSubject, b: ForcedSubject): Promise<ForcedComparison> {
    const client = createEngineClient();
    try {
      return await compareModels(client, a, b);
    } finally {
      client.dispose();
    }
  }

  override render() {
    const runner = this.runner;
    return html`
      ${setupView(
        {
          settings: this,
          busy: runner.busy,
          catalogIds: this.catalogIds,
          draft: this.draft,
          userSuites: this.results.suites.map((suite) => suite.name),
          suiteProblems: this.suiteProblems,
          suiteWarnings: this.suiteWarnings,
          progress: runner.progress,
          formError: runner.formError,
        },
        {
          onChange: (event) => this.onFormChange(event),
          onDraft: (event) => (this.draft = (event.target as HTMLInputElement).value.trim()),
          onAddModel: () => this.addModel(),
          onRemoveModel: (model) => (this.models = this.models.filter((id) => id !== model)),
          onSuiteFile: (event) => void this.onSuiteFile(event),
          onForgetSuite: () => void this.forgetSuite(this.suite.slice(USER_SUITE_PREFIX.length)),
          onRun: () => void this.run().catch(() => undefined),
          onCancel: () => this.cancel(),
        },
      )}
      ${runner.error ? html`<edge-llm-error-panel .error=${runner.error}></edge-llm-error-panel>` : nothing}
      ${resultsView(
        {
          ...this.results.resultsState(this.group, this.minSpeed, this.customModels),
          importErrors: this.results.importErrors,
          storageProblem: this.results.storageProblem,
          chartWidth: this.chartWidth,
        },
        {
          onImport: (event) => void this.onImport(event),
          onExport: (format) => this.save(format),
          onClear: () => void this.clearResults(),
          onRemove: (entry) => this.results.remove(entry),
          onGroup: (event) => (this.group = (event.target as HTMLSelectElement).value),
          onSpeed: (event) => (this.minSpeed = Math.max(0, Number((event.target as HTMLInputElement).value) || 0)),
        },
      )}
    `;
  }

  private shownGroup() {
    return this.results.resultsState(this.group, this.minSpeed, this.customModels).group;
  }

  private addModel() {
    const model = this.draft.trim();
    if (model && !this.models.includes(model)) this.models = [...this.models, model];
    this.draft = '';
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
    const text = this.exportText(format);
    const createdAt = this.shownGroup()?.results.at(-1)?.createdAt ?? new Date().toISOString();
    saveFile(exportFileName(createdAt, format, 'eval'), text, EXPORT_FORMATS[format].mime);
  }

  private readonly onRecover = (event: EdgeLlmRecoverEvent) => {
    if (event.detail.action === 'retry') {
      event.stopPropagation();
      this.runner.clearError();
      void this.run().catch(() => undefined);
    }
  };

  private onFormChange(event: Event) {
    const { draft, ...settings } = formChange(event.target as HTMLInputElement | HTMLSelectElement);
    Object.assign(this, settings);
    if (draft !== undefined) this.draft = draft;
    if (settings.suite !== undefined) this.suiteProblems = [];
  }

  private async onSuiteFile(event: Event) {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file) await this.useSuiteText(await file.text(), file.name);
    input.value = '';
  }

  private async onImport(event: Event) {
    const input = event.target as HTMLInputElement;
    await this.importFiles(Array.from(input.files ?? []));
    input.value = '';
  }
}
