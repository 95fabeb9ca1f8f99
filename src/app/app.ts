import { LitElement, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { reportError } from '../components/report-error.js';
import { cardStyles } from '../components/shared-styles.js';
import { themeStyles } from '../components/theme.js';
import { applyModelSources, type ModelSourcesSetting } from '../core/custom-models.js';
import { engineLabel, PUBLIC_ENGINE_IDS } from '../core/engines.js';
import type { FriendlyError } from '../core/error-messages.js';
import { edgeError, ERROR_NAMES } from '../core/errors.js';
import type {
  EdgeLlmCrashNoticeEvent,
  EdgeLlmModelSelectEvent,
  EdgeLlmRecoverEvent,
  EdgeLlmSourcesChangeEvent,
} from '../events.js';
import type { EdgeLlmModelPicker } from '../components/model-picker.js';
import type { CustomModelSource, EngineId } from '../shared/engine-api.js';
import { appStyles } from './app.styles.js';
import { APP_STORAGE_KEY, CatalogController } from './catalog-controller.js';
import { CrashNoticeController } from './crash-notice-controller.js';

export { APP_STORAGE_KEY };

const VIEW_LABELS = { chat: 'Chat', bench: 'Benchmark', eval: 'Evaluate' } as const;

/**
 * The edge-llm app: this device, the models that fit it, and a chat, composed from the same
 * elements a host page embeds.
 *
 * @summary The whole app in one element.
 */
export class EdgeLlmApp extends LitElement {
  static override styles = [themeStyles, cardStyles, appStyles];

  /** Engine whose catalog is listed: "webllm" (default), "transformers", or "double" (the test double). */
  @property() engine: EngineId = 'webllm';
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
  private readonly crash = new CrashNoticeController(this, () => this.customModels);
  private sources: ModelSourcesSetting | undefined;

  override connectedCallback() {
    super.connectedCallback();
    void this.inspectDevice();
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
    const { models, selected, device, alsoIn } = this.catalog;
    const record = models.find((model) => model.id === selected);
    return html`
      <header>
        <h1>edge-llm</h1>
        <p class="muted">A small language model on your own GPU, in this tab. Private, offline-capable, no server.</p>
      </header>
      ${this.error ? html`<edge-llm-error-panel .error=${this.error}></edge-llm-error-panel>` : nothing}
      ${
        this.crash.report
          ? html`<edge-llm-crash-notice
              .report=${this.crash.report}
              @edge-llm-crash-notice=${this.onCrashNotice}
            ></edge-llm-crash-notice>`
          : nothing
      }
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
      <div class="layout" @edge-llm-model-select=${this.onSelect} @edge-llm-recover=${this.onRecover}>
        <div>
          <section class="card" aria-labelledby="device-heading">
            <h2 id="device-heading">This device</h2>
            <edge-llm-device-panel .report=${device}></edge-llm-device-panel>
          </section>
          <section class="card" aria-labelledby="models-heading">
            <h2 id="models-heading">Models</h2>
            <fieldset class="engines">
              <legend>Engine</legend>
              ${this.engineChoices().map(
                (engine) =>
                  html`<label
                    ><input
                      type="radio"
                      name="engine"
                      .value=${engine}
                      .checked=${engine === this.engine}
                      @change=${() => this.catalog.chooseEngine(engine)}
                    />
                    ${engineLabel(engine)}</label
                  >`,
              )}
            </fieldset>
            <edge-llm-model-sources
              .engine=${this.engine}
              @edge-llm-sources-change=${this.onSourcesChange}
            ></edge-llm-model-sources>
            <edge-llm-model-picker
              .models=${models}
              .device=${device}
              .selected=${selected}
              .alsoIn=${alsoIn}
            ></edge-llm-model-picker>
          </section>
          <section class="card" aria-labelledby="storage-heading">
            <h2 id="storage-heading">Storage and offline use</h2>
            <edge-llm-cache-manager
              @edge-llm-cache-change=${() => void this.catalog.refresh()}
            ></edge-llm-cache-manager>
          </section>
        </div>
        ${
          this.benchLoaded
            ? html`<section aria-labelledby="bench-heading" ?hidden=${this.view !== 'bench'}>
                <h2 id="bench-heading" class="visually-hidden">Benchmark</h2>
                <edge-llm-bench
                  crash-markers
                  .engine=${this.engine}
                  .model=${selected}
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
                  .engine=${this.engine}
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
            .engine=${this.engine}
            .model=${selected}
            .customModels=${this.customModels}
            .vramIsEstimate=${record?.vramIsEstimate ?? false}
            .declaredVramMB=${record?.vramMB}
          ></edge-llm-chat>
        </section>
      </div>
    `;
  }

  private async inspectDevice() {
    const device = await this.catalog.inspectDevice();
    this.crash.setDevice(device);
    if (device?.webgpu === 'no-navigator-gpu') {
      this.showError(edgeError(ERROR_NAMES.webgpuNotAvailable, 'navigator.gpu is undefined in this browser.'));
    } else if (device?.webgpu === 'no-adapter') {
      this.showError(edgeError(ERROR_NAMES.noAdapter, 'navigator.gpu.requestAdapter() returned null.'));
    }
  }

  private onCrashNotice(event: EdgeLlmCrashNoticeEvent) {
    const suggestion = this.crash.answer(event.detail.action);
    if (suggestion) {
      if (suggestion.engine !== this.engine) this.catalog.chooseEngine(suggestion.engine);
      this.catalog.select(suggestion.id);
      void this.updateComplete.then(() => this.focusPicker());
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

  private engineChoices(): EngineId[] {
    return this.engine === 'double' ? [...PUBLIC_ENGINE_IDS, 'double'] : PUBLIC_ENGINE_IDS;
  }

  private onSourcesChange(event: EdgeLlmSourcesChangeEvent) {
    this.customModels = applyModelSources(this.customModels, this.sources, event.detail);
    this.sources = event.detail;
  }

  private onSelect(event: EdgeLlmModelSelectEvent) {
    this.catalog.select(event.detail.modelId);
  }

  private onRecover(event: EdgeLlmRecoverEvent) {
    const { action } = event.detail;
    if (action === 'use-alternative') {
      const record = this.catalog.models.find((model) => model.id === this.catalog.selected);
      const alternative = record ? this.picker.fitOf(record)?.alternative : undefined;
      if (alternative) this.catalog.select(alternative.id);
      else this.focusPicker();
    } else if (action === 'pick-another-model') {
      this.focusPicker();
    } else if (action === 'retry' && this.error) {
      this.error = undefined;
      void this.inspectDevice();
      void this.catalog.refresh();
    }
  }

  private focusPicker() {
    const radio = this.picker.shadowRoot?.querySelector<HTMLInputElement>(
      'input[name="model"]:checked, input[name="model"]',
    );
    this.picker.scrollIntoView({ block: 'nearest' });
    radio?.focus();
  }
}
