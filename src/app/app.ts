import { LitElement, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { prepareErrorMessages, reportError } from '../components/report-error.js';
import { cardStyles } from '../components/shared-styles.js';
import { themeStyles } from '../components/theme.js';
import { cpuOnlyNotice, type ComputePath } from '../core/compute-path.js';
import { applyModelSources, type ModelSourcesSetting } from '../core/custom-models.js';
import type { FriendlyError } from '../core/error-messages.js';
import { groupModels, variantLabel } from '../core/model-groups.js';
import { judgeVariant } from '../core/variant-choice.js';
import type {
  EdgeLlmCrashNoticeEvent,
  EdgeLlmModelSelectEvent,
  EdgeLlmPathChangeEvent,
  EdgeLlmRecoverEvent,
  EdgeLlmSourcesChangeEvent,
} from '../events.js';
import type { EdgeLlmModelPicker } from '../components/model-picker.js';
import type { CustomModelSource, EngineId } from '../shared/engine-api.js';
import { appStyles } from './app.styles.js';
import { APP_STORAGE_KEY, CatalogController } from './catalog-controller.js';
import { CrashNoticeController } from '../components/crash-notice-controller.js';
import { LayoutController } from './layout-controller.js';
import { LoadStateController } from './load-state-controller.js';

export { APP_STORAGE_KEY };

const VIEW_LABELS = { chat: 'Chat', bench: 'Benchmark', eval: 'Evaluate' } as const;

/**
 * The edge-llm app: a chat first, and this device, the models that suit it and its storage one
 * tap away on a phone (beside the chat from 1024 px), composed from the same elements a host page
 * embeds. Follows the system's light or dark theme.
 *
 * @summary The whole app in one element.
 */
export class EdgeLlmApp extends LitElement {
  static override styles = [themeStyles, cardStyles, appStyles];

  /**
   * An engine to start with ("webllm", "transformers", "llamacpp", or "double", the test double):
   * the picker lists its models first and the default model comes from it. Unset: every engine.
   */
  @property() engine: EngineId | undefined;
  /** Extra catalog entries (self-hosted or test models). */
  @property({ attribute: false }) customModels: CustomModelSource | undefined;
  /** The main view: "chat" (default), "bench" (the device benchmark) or "eval" (models evaluated on a task). */
  @property() view: 'chat' | 'bench' | 'eval' = 'chat';
  /** A share link's fragment (`#r=…`) to show in the Bench view. */
  @property({ attribute: false }) sharedFragment = '';

  @state() private error: FriendlyError | undefined;
  /** Set once the Bench view has been opened: its code loads on demand, then stays. */
  @state() private benchLoaded = false;
  /** Set once the Evaluate view has been opened: its code loads on demand, then stays. */
  @state() private evalLoaded = false;

  @query('edge-llm-model-picker') private picker!: EdgeLlmModelPicker;

  private readonly catalog = new CatalogController(this);
  private readonly crash = new CrashNoticeController(
    this,
    () => this.customModels,
    // Its views' runs and its own chat's loads; an embedded chat on this origin reports its own.
    (intent) => intent.owner === undefined || intent.owner === APP_STORAGE_KEY,
  );
  private readonly layout = new LayoutController(this);
  private readonly loadState = new LoadStateController(this);
  private sources: ModelSourcesSetting | undefined;

  override connectedCallback() {
    super.connectedCallback();
    void this.inspectDevice();
    // The app explains failures from its first moment (the library's chat waits for a load).
    void prepareErrorMessages().catch(() => undefined);
    // Every engine's models, unless a property set before the first update lists them again.
    void this.catalog.refresh();
  }

  protected override willUpdate() {
    // The layout's styles key off the host: [wide] from 1024 px.
    this.toggleAttribute('wide', this.layout.wide);
  }

  protected override updated(changed: Map<PropertyKey, unknown>) {
    if (changed.has('engine') || changed.has('customModels')) void this.catalog.refresh();
    if (changed.has('view') && this.view === 'bench' && !this.benchLoaded) void this.loadBench();
    if (changed.has('view') && this.view === 'eval' && !this.evalLoaded) void this.loadEval();
    if (this.benchLoaded && this.sharedFragment) void this.showSharedResult();
  }

  /** Shows a failure the app itself met (a device probe, a catalog, a chunk that would not load). */
  showError(error: unknown): void {
    this.error = reportError(this, error);
  }

  override render() {
    const { models, selected, selectedEngine, computeDevice } = this.catalog;
    const record = models.find((model) => model.id === selected && model.engine === selectedEngine);
    const wide = this.layout.wide;
    // Until the catalog has chosen a model, the engine the URL names (a view opened with
    // ?engine=transformers starts there rather than switching engines, and lists, under the visitor).
    const viewEngine = selected ? selectedEngine : (this.engine ?? selectedEngine);
    return html`
      ${this.renderHeader()}
      <div
        class=${wide ? 'layout wide' : 'layout narrow'}
        @edge-llm-model-select=${this.onSelect}
        @edge-llm-path-change=${this.onPathChange}
        @edge-llm-recover=${this.onRecover}
      >
        ${wide ? html`<aside aria-label="Device, models and storage">${this.renderSide()}</aside>` : this.renderSheet()}
        <main>
          ${this.renderNotices()}
          ${
            this.benchLoaded
              ? html`<section aria-labelledby="bench-heading" ?hidden=${this.view !== 'bench'}>
                  <h2 id="bench-heading" class="visually-hidden">Benchmark</h2>
                  <edge-llm-bench
                    crash-markers
                    .engine=${viewEngine}
                    .model=${selected}
                    .device=${computeDevice}
                    .customModels=${this.customModels}
                  ></edge-llm-bench>
                </section>`
              : nothing
          }
          ${
            this.evalLoaded
              ? html`<section aria-labelledby="eval-heading" ?hidden=${this.view !== 'eval'}>
                  <h2 id="eval-heading" class="visually-hidden">Evaluate</h2>
                  <edge-llm-eval
                    crash-markers
                    .engine=${viewEngine}
                    .model=${selected}
                    .customModels=${this.customModels}
                  ></edge-llm-eval>
                </section>`
              : nothing
          }
          <!-- Hidden, not removed, in the other views: the conversation and its loaded model stay. -->
          <section aria-labelledby="chat-heading" ?hidden=${this.view !== 'chat'}>
            <h2 id="chat-heading" class="visually-hidden">Chat</h2>
            <edge-llm-chat
              persist
              storage-key=${APP_STORAGE_KEY}
              .crashNotice=${false}
              .engine=${selectedEngine}
              .model=${selected}
              .device=${computeDevice}
              .customModels=${this.customModels}
              .vramIsEstimate=${record?.vramIsEstimate ?? false}
              .declaredVramMB=${record?.vramMB}
              @edge-llm-progress=${this.loadState.onProgress}
              @edge-llm-ready=${this.onReady}
              @edge-llm-token=${this.loadState.onToken}
              @edge-llm-done=${this.loadState.onDone}
              @edge-llm-error=${this.loadState.onError}
              @edge-llm-unload=${this.loadState.onUnload}
            ></edge-llm-chat>
          </section>
        </main>
      </div>
    `;
  }

  /** The app's name, the views, and the chosen model with its state: always in view. */
  private renderHeader() {
    const { models, selected, selectedEngine } = this.catalog;
    const record = models.find((model) => model.id === selected && model.engine === selectedEngine);
    const title = record ? (groupModels([record])[0]?.title ?? record.id) : undefined;
    const where = this.catalog.computeDevice === 'wasm' ? 'CPU' : 'GPU';
    return html`<header class="bar">
      <div class="brand">
        <h1>edge-llm</h1>
        <p class="tagline muted">
          A small language model on your own device, in this tab. Private, offline-capable, no server.
        </p>
      </div>
      <nav aria-label="Views">
        ${(['chat', 'bench', 'eval'] as const).map(
          (view) =>
            html`<button
              type="button"
              data-view=${view}
              aria-current=${view === this.view ? 'page' : 'false'}
              class=${view === this.view ? 'primary' : ''}
              @click=${() => this.showView(view)}
            >
              ${VIEW_LABELS[view]}
            </button>`,
        )}
      </nav>
      <div class="now" data-now>
        <p class="model" aria-live="polite">
          <span class="visually-hidden">Model:</span>
          ${
            record
              ? html`<span class="model-title" data-model-title>${title}</span>
                  <span class="model-variant muted">${variantLabel(record)} · ${where}</span>`
              : html`<span class="muted">Choosing a model…</span>`
          }
          <span class="chip ${this.loadState.kind}" data-load-state=${this.loadState.kind}
            >${this.loadState.label()}</span
          >
        </p>
        ${
          this.layout.wide
            ? nothing
            : html`<button
                type="button"
                class="sheet-toggle"
                data-action="open-sheet"
                aria-haspopup="dialog"
                @click=${(event: Event) => void this.layout.openSheet(event.currentTarget as HTMLElement)}
              >
                Models
              </button>`
        }
      </div>
    </header>`;
  }

  private renderNotices() {
    const cpuOnly = this.catalog.device ? cpuOnlyNotice(this.catalog.device) : undefined;
    return html`${
      cpuOnly
        ? html`<p class="notice info" role="status" data-notice=${this.catalog.device!.webgpu}>
            <strong>${cpuOnly.title}.</strong> ${cpuOnly.message}
          </p>`
        : nothing
    }
    ${this.error ? html`<edge-llm-error-panel .error=${this.error}></edge-llm-error-panel>` : nothing}
    ${
      this.crash.report
        ? html`<edge-llm-crash-notice
            .report=${this.crash.report}
            @edge-llm-crash-notice=${this.onCrashNotice}
          ></edge-llm-crash-notice>`
        : nothing
    }`;
  }

  private renderSheet() {
    return html`<dialog
      class="sheet"
      aria-labelledby="sheet-heading"
      @close=${this.layout.onSheetClose}
      @click=${this.layout.onSheetClick}
    >
      <div class="sheet-body">
        <div class="sheet-bar">
          <h2 id="sheet-heading">Models and device</h2>
          <button type="button" class="primary" data-action="close-sheet" @click=${() => this.layout.closeSheet()}>
            Done
          </button>
        </div>
        ${this.renderSide()}
      </div>
    </dialog>`;
  }

  /** Device, models and storage: the side column, or the sheet's content. */
  private renderSide() {
    const { models, selected, device } = this.catalog;
    // Plain sections: the elements inside name their own regions ("Models", "This device").
    return html`<section class="card">
        <h2>Models</h2>
        <edge-llm-model-picker
          .models=${models}
          .device=${device}
          .selected=${selected}
          .path=${this.catalog.currentPath()}
          .engine=${this.engine ?? 'all'}
        ></edge-llm-model-picker>
        <edge-llm-model-sources
          .engine=${this.engine ?? 'transformers'}
          @edge-llm-sources-change=${this.onSourcesChange}
        ></edge-llm-model-sources>
      </section>
      <section class="card">
        <h2>This device</h2>
        <edge-llm-device-panel .report=${device}></edge-llm-device-panel>
      </section>
      <section class="card">
        <h2>Storage and offline use</h2>
        <edge-llm-cache-manager @edge-llm-cache-change=${() => void this.catalog.refresh()}></edge-llm-cache-manager>
      </section>`;
  }

  private async inspectDevice() {
    const device = await this.catalog.inspectDevice();
    this.crash.setDevice(device);
  }

  private onCrashNotice(event: EdgeLlmCrashNoticeEvent) {
    const suggestion = this.crash.answer(event.detail.action);
    if (suggestion) {
      this.select(suggestion.id, suggestion.engine);
      void this.showPicker();
    } else {
      // The notice and its buttons are gone: keep keyboard focus in the page, not on <body>.
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLButtonElement>('nav button[aria-current="page"]')?.focus(),
      );
    }
  }

  private showView(view: 'chat' | 'bench' | 'eval') {
    this.view = view;
    const url = new URL(location.href);
    if (view !== 'chat') url.searchParams.set('view', view);
    else url.searchParams.delete('view');
    history.replaceState(history.state, '', url);
  }

  private async loadBench() {
    try {
      await import('../define-bench.js');
      this.benchLoaded = true;
    } catch (error) {
      // A chunk that could not be fetched (offline, a new deploy): say so; the chat still works.
      this.showError(error);
    }
  }

  private async loadEval() {
    try {
      await import('../define-eval.js');
      this.evalLoaded = true;
    } catch (error) {
      this.showError(error);
    }
  }

  private async showSharedResult() {
    const fragment = this.sharedFragment;
    this.sharedFragment = '';
    await this.updateComplete;
    await this.renderRoot.querySelector('edge-llm-bench')?.importFragment(fragment);
  }

  private onSourcesChange(event: EdgeLlmSourcesChangeEvent) {
    this.customModels = applyModelSources(this.customModels, this.sources, event.detail);
    this.sources = event.detail;
  }

  private select(modelId: string, engine?: EngineId, device?: 'webgpu' | 'wasm') {
    this.catalog.select(modelId, engine, device);
    this.loadState.modelChanged();
  }

  private onSelect(event: EdgeLlmModelSelectEvent) {
    const { modelId, engine, device } = event.detail;
    this.select(modelId, engine, device);
  }

  /** A model finished loading, and may just have been stored: the picker's marks follow. */
  private onReady() {
    this.loadState.onReady();
    void this.catalog.refresh();
  }

  private onPathChange(event: EdgeLlmPathChangeEvent) {
    this.catalog.choosePath(event.detail.path satisfies ComputePath);
  }

  private onRecover(event: EdgeLlmRecoverEvent) {
    const { action } = event.detail;
    if (action === 'use-alternative') {
      const { models, selected, device } = this.catalog;
      const record = models.find((model) => model.id === selected);
      const path = this.catalog.currentPath();
      const judged = record && device && path ? judgeVariant(record, { device, path, catalog: models }) : undefined;
      if (judged?.alternative) this.select(judged.alternative.id, judged.alternative.engine);
      else void this.showPicker();
    } else if (action === 'pick-another-model') {
      void this.showPicker();
    } else if (action === 'retry' && this.error) {
      this.error = undefined;
      void this.inspectDevice();
      void this.catalog.refresh();
    }
  }

  /** Brings the picker into view (opening the sheet on a narrow screen) with focus on the chosen model. */
  private async showPicker() {
    const radio = () =>
      this.picker?.shadowRoot?.querySelector<HTMLInputElement>('input[name="model"]:checked, input[name="model"]');
    if (!this.layout.wide) {
      await this.layout.openSheet(undefined, () => radio() ?? null);
      return;
    }
    await this.updateComplete;
    this.picker.scrollIntoView({ block: 'nearest' });
    radio()?.focus();
  }
}
