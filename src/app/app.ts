import { LitElement, css, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { catalogClient } from '../client/shared-client.js';
import { filterCatalog, isInstructModel } from '../core/catalog.js';
import type { CrashReport } from '../core/crash-report.js';
import type * as CrashCheck from './crash-check.js';
import type { RunIntent } from '../core/run-intent.js';
import { restoredSelection } from '../core/restore-selection.js';
import { describeError, EDGE_ERROR_NAMES, serializeError, type FriendlyError } from '../core/errors.js';
import { defaultModel } from '../core/fit.js';
import { applyModelSources, type ModelSourcesSetting } from '../core/model-sources.js';
import { crossEngineKey, transformersModelId } from '../core/transformers-catalog.js';
import type { EdgeLlmModelSelectEvent, EdgeLlmRecoverEvent } from '../events.js';
import { hasIntents } from '../persistence/run-intent-key.js';
import type { EdgeLlmCrashNoticeEvent } from '../components/crash-notice.js';
import type { CustomModelSource, DeviceReport, EngineId, ModelRecord } from '../shared/engine-api.js';
import type { EdgeLlmChat } from '../components/chat.js';
import type { EdgeLlmModelPicker } from '../components/model-picker.js';
import type { EdgeLlmSourcesChangeEvent } from '../components/model-sources.js';
import { themeStyles } from '../components/theme.js';

const ENGINE_LABELS: Record<EngineId, string> = {
  webllm: 'web-llm (MLC)',
  transformers: 'transformers.js (ONNX Runtime)',
  llamacpp: 'llama.cpp (GGUF, wllama)',
  double: 'Engine double (tests)',
};

const OTHER_ENGINE: Partial<Record<EngineId, EngineId>> = {
  webllm: 'transformers',
  transformers: 'webllm',
  llamacpp: 'transformers',
};

/** The app's chat saves under this record; the app reads its engine and model back from it. */
export const APP_STORAGE_KEY = 'app';
/** Longest the catalog waits for the saved engine and model (IndexedDB can be slow to open). */
const RESTORE_WAIT_MS = 1000;

/**
 * The edge-llm app: this device, the models that fit it, and a chat, composed from the same
 * elements a host page embeds.
 *
 * @summary The whole app in one element.
 */
export class EdgeLlmApp extends LitElement {
  static override styles = [
    themeStyles,
    css`
      :host {
        display: block;
        max-width: 88rem;
        margin: 0 auto;
        padding: var(--_space);
      }
      header h1 {
        margin: 0;
        font-size: 1.6rem;
      }
      header p {
        margin: 0.2em 0 0;
      }
      nav {
        display: flex;
        gap: 0.5em;
        margin-top: var(--_space);
      }
      [hidden] {
        display: none !important;
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(0, 2fr) minmax(0, 3fr);
        gap: calc(var(--_space) * 1.5);
        margin-top: calc(var(--_space) * 1.5);
        align-items: start;
      }
      @media (max-width: 960px) {
        .layout {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      section > h2 {
        font-size: 1.1rem;
        margin: 0 0 0.5em;
      }
      .card {
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        padding: var(--_space);
        margin-bottom: var(--_space);
        background: var(--_bg);
      }
      edge-llm-error-panel {
        margin-top: var(--_space);
      }
      form.folder {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em 0.8em;
        align-items: flex-end;
        margin-bottom: 0.8em;
      }
      form.folder label {
        display: flex;
        flex-direction: column;
        gap: 0.2em;
        font-size: 0.9em;
      }
      form.folder input {
        min-width: min(22rem, 80vw);
      }
      form.folder input,
      form.folder select {
        font: inherit;
        padding: 0.35em 0.5em;
        border: 1px solid var(--_border);
        border-radius: calc(var(--_radius) * 0.6);
      }
      fieldset.engines {
        border: none;
        padding: 0;
        margin: 0 0 0.6em;
        display: flex;
        flex-wrap: wrap;
        gap: 0.4em 1.2em;
      }
      fieldset.engines legend {
        font-weight: 600;
        padding: 0;
        margin-bottom: 0.2em;
      }
    `,
  ];

  /** Engine whose catalog is listed: "webllm" (default) or "double" (the test double). */
  @property() engine: EngineId = 'webllm';
  /** Extra catalog entries (self-hosted or test models). */
  @property({ attribute: false }) customModels: CustomModelSource | undefined;
  /** The main view: "chat" (default) or "bench" (the device benchmark). */
  @property() view: 'chat' | 'bench' = 'chat';
  /** A share link's fragment (`#r=…`) to show in the Bench view. */
  @property({ attribute: false }) sharedFragment = '';

  @state() private device: DeviceReport | undefined;
  @state() private models: ModelRecord[] = [];
  @state() private selected = '';
  @state() private error: FriendlyError | undefined;
  @state() private folderStatus = '';
  @state() private alsoIn: { label: string; keys: Set<string> } | undefined;
  /** Set once the Bench view has been opened: its code loads on demand, then stays. */
  @state() private benchLoaded = false;
  /** The newest run the last visit never finished, and the catalog of its engine. */
  @state() private crashIntent: { intent: RunIntent; catalog: ModelRecord[] } | undefined;
  @state() private crashReport: CrashReport | undefined;

  @query('edge-llm-chat') private chat!: EdgeLlmChat;
  @query('edge-llm-model-picker') private picker!: EdgeLlmModelPicker;

  private readonly client = catalogClient();
  private catalogRequest = 0;
  private sources: ModelSourcesSetting | undefined;
  private restored: Promise<void> | undefined;
  private crashIds: string[] = [];
  private crashCheck: typeof CrashCheck | undefined;

  override connectedCallback() {
    super.connectedCallback();
    this.restored ??= this.restoreSelection();
    void this.inspectDevice();
    void this.checkUnfinishedRuns();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>) {
    if ((changed.has('crashIntent') || changed.has('device')) && this.crashIntent && this.crashCheck) {
      this.crashReport = this.crashCheck.describeCrash(this.crashIntent.intent, {
        catalog: this.crashIntent.catalog,
        device: this.device,
        now: Date.now(),
      });
    }
  }

  protected override updated(changed: Map<PropertyKey, unknown>) {
    if (changed.has('engine') || changed.has('customModels')) void this.loadCatalog();
    if (changed.has('view') && this.view === 'bench' && !this.benchLoaded) void this.loadBench();
    if (this.benchLoaded && this.sharedFragment) void this.showSharedResult();
  }

  override render() {
    const record = this.models.find((model) => model.id === this.selected);
    return html`
      <header>
        <h1>edge-llm</h1>
        <p class="muted">A small language model on your own GPU, in this tab. Private, offline-capable, no server.</p>
      </header>
      ${this.error ? html`<edge-llm-error-panel .error=${this.error}></edge-llm-error-panel>` : nothing}
      ${
        this.crashReport
          ? html`<edge-llm-crash-notice
              .report=${this.crashReport}
              @edge-llm-crash-notice=${this.onCrashNotice}
            ></edge-llm-crash-notice>`
          : nothing
      }
      <nav aria-label="Views">
        ${(['chat', 'bench'] as const).map(
          (view) =>
            html`<button
              type="button"
              data-view=${view}
              aria-current=${view === this.view ? 'page' : 'false'}
              class=${view === this.view ? 'primary' : ''}
              @click=${() => this.showView(view)}
            >
              ${view === 'chat' ? 'Chat' : 'Benchmark'}
            </button>`,
        )}
      </nav>
      <div class="layout" @edge-llm-model-select=${this.onSelect} @edge-llm-recover=${this.onRecover}>
        <div>
          <section class="card" aria-labelledby="device-heading">
            <h2 id="device-heading">This device</h2>
            <edge-llm-device-panel .report=${this.device}></edge-llm-device-panel>
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
                      @change=${() => this.chooseEngine(engine)}
                    />
                    ${ENGINE_LABELS[engine]}</label
                  >`,
              )}
            </fieldset>
            ${this.engine === 'transformers' ? this.renderFolderForm() : nothing}
            <edge-llm-model-sources @edge-llm-sources-change=${this.onSourcesChange}></edge-llm-model-sources>
            <edge-llm-model-picker
              .models=${this.models}
              .device=${this.device}
              .selected=${this.selected}
              .alsoIn=${this.alsoIn}
            ></edge-llm-model-picker>
          </section>
          <section class="card" aria-labelledby="storage-heading">
            <h2 id="storage-heading">Storage and offline use</h2>
            <edge-llm-cache-manager @edge-llm-cache-change=${() => void this.loadCatalog()}></edge-llm-cache-manager>
          </section>
        </div>
        ${
          this.benchLoaded
            ? html`<section aria-labelledby="bench-heading" ?hidden=${this.view !== 'bench'}>
                <h2 id="bench-heading" class="visually-hidden">Benchmark</h2>
                <edge-llm-bench
                  crash-markers
                  .engine=${this.engine}
                  .model=${this.selected}
                  .customModels=${this.customModels}
                ></edge-llm-bench>
              </section>`
            : nothing
        }
        <!-- Hidden, not removed, in the Bench view: the conversation and its loaded model stay. -->
        <section aria-labelledby="chat-heading" ?hidden=${this.view !== 'chat'}>
          <h2 id="chat-heading" class="visually-hidden">Chat</h2>
          <edge-llm-chat
            persist
            storage-key=${APP_STORAGE_KEY}
            .engine=${this.engine}
            .model=${this.selected}
            .customModels=${this.customModels}
            .vramIsEstimate=${record?.vramIsEstimate ?? false}
            .declaredVramMB=${record?.vramMB}
          ></edge-llm-chat>
        </section>
      </div>
    `;
  }

  /** The engine and model the chat was saved with, unless the URL names an engine. */
  private async restoreSelection() {
    const saved = await Promise.race([
      import('../persistence/conversation-store.js')
        .then(({ loadConversation }) => loadConversation(APP_STORAGE_KEY))
        .catch(() => undefined),
      new Promise<undefined>((resolve) => setTimeout(resolve, RESTORE_WAIT_MS)),
    ]);
    if (!saved) return;
    const engineFromUrl = new URLSearchParams(location.search).has('engine');
    const { engine, model } = restoredSelection(saved.settings, this.engine, engineFromUrl);
    this.engine = engine;
    if (model) this.selected = model;
  }

  /** Runs a page that is gone never finished: report the newest once the device is known. */
  private async checkUnfinishedRuns() {
    try {
      if (!hasIntents()) return;
      const crashCheck = await import('./crash-check.js');
      const intents = await crashCheck.unfinishedIntents();
      const intent = intents[0];
      if (!intent) return;
      this.crashIds = intents.map((entry) => entry.id);
      const catalog = await this.client.listModels(intent.engine, this.customModels).catch(() => []);
      this.crashCheck = crashCheck;
      this.crashIntent = { intent, catalog };
    } catch (error) {
      // The report is a courtesy: failing to make it must not disturb the app.
      console.warn('[edge-llm] could not check for unfinished runs:', error);
    }
  }

  private onCrashNotice(event: EdgeLlmCrashNoticeEvent) {
    const { action, modelId } = event.detail;
    for (const id of this.crashIds) this.crashCheck?.clearIntent(id);
    this.crashIds = [];
    const suggestion = this.crashReport?.suggestion;
    this.crashIntent = undefined;
    this.crashReport = undefined;
    if (action === 'use-suggestion' && modelId && suggestion) {
      if (suggestion.engine !== this.engine) this.chooseEngine(suggestion.engine);
      this.selected = modelId;
      void this.updateComplete.then(() => this.focusPicker());
    } else {
      // The notice and its buttons are gone: keep keyboard focus in the page, not on <body>.
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLButtonElement>('nav button[aria-current="page"]')?.focus(),
      );
    }
  }

  private showView(view: 'chat' | 'bench') {
    this.view = view;
    const url = new URL(location.href);
    if (view === 'bench') url.searchParams.set('view', 'bench');
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

  private async showSharedResult() {
    const fragment = this.sharedFragment;
    this.sharedFragment = '';
    await this.updateComplete;
    await this.renderRoot.querySelector('edge-llm-bench')?.importFragment(fragment);
  }

  private async inspectDevice() {
    try {
      const device = await this.client.probeDevice();
      this.device = device;
      if (device.webgpu === 'no-navigator-gpu') {
        this.showError({ name: 'WebGPUNotAvailableError', message: 'navigator.gpu is undefined in this browser.' });
      } else if (device.webgpu === 'no-adapter') {
        this.showError({ name: EDGE_ERROR_NAMES.noAdapter, message: 'navigator.gpu.requestAdapter() returned null.' });
      }
      this.pickDefault();
    } catch (error) {
      this.showError(error);
    }
  }

  private async loadCatalog() {
    const request = ++this.catalogRequest;
    // The saved engine and model first, so the wrong catalog is never listed.
    await this.restored;
    if (request !== this.catalogRequest) return;
    try {
      const models = await this.client.listModels(this.engine, this.customModels);
      if (request !== this.catalogRequest) return;
      this.models = models;
      this.pickDefault();
      // The same model in the other real engine, so visitors can compare engines on their device.
      const other = OTHER_ENGINE[this.engine];
      if (other) {
        const keys = new Set((await this.client.listModels(other, this.customModels)).map(crossEngineKey));
        if (request === this.catalogRequest) this.alsoIn = { label: ENGINE_LABELS[other], keys };
      } else {
        this.alsoIn = undefined;
      }
    } catch (error) {
      this.showError(error);
    }
  }

  /** The smallest instruct model that fits, once both the device and the catalog are known. */
  private pickDefault() {
    if (this.selected && this.models.some((model) => model.id === this.selected)) return;
    if (!this.device || this.models.length === 0) return;
    const customIds = new Set([
      ...(this.customModels?.webllm ?? []).map((entry) => (entry as { model_id?: string }).model_id),
      ...(this.customModels?.transformers ?? []).map((source) =>
        transformersModelId(source.url.replace(/\/+$/, ''), source.dtype),
      ),
    ]);
    const custom = this.models.filter((model) => customIds.has(model.id));
    const candidates = filterCatalog(custom.length > 0 ? custom : this.models, { showAll: custom.length > 0 });
    const choice =
      this.device.webgpu === 'available'
        ? defaultModel(
            candidates,
            this.device,
            this.models,
            (record) => custom.length > 0 || this.engine === 'double' || isInstructModel(record),
          )
        : undefined;
    this.selected = (choice ?? candidates[0])?.id ?? '';
  }

  private showError(error: unknown) {
    const friendly = describeError(serializeError(error));
    console.error(`[edge-llm] ${friendly.code}:`, error);
    this.error = friendly;
  }

  private renderFolderForm() {
    return html`<form class="folder" @submit=${this.onAddFolder}>
      <label
        >Self-hosted model folder URL
        <input
          type="url"
          name="folder-url"
          required
          placeholder="https://models.intranet.example/SmolLM2-135M-Instruct/"
          aria-describedby="folder-status"
      /></label>
      <label
        >Weights
        <select name="dtype">
          ${['q4', 'q4f16', 'int8', 'fp16', 'fp32'].map((dtype) => html`<option>${dtype}</option>`)}
        </select>
      </label>
      <button type="submit">Add model</button>
      <span id="folder-status" class="muted" role="status">${this.folderStatus}</span>
    </form>`;
  }

  private onAddFolder(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const raw = String(data.get('folder-url') ?? '').trim();
    const dtype = String(data.get('dtype') ?? 'q4');
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      this.folderStatus = 'Enter an absolute URL, e.g. https://host/models/name/.';
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      this.folderStatus = 'Only http(s) model folders can be loaded.';
      return;
    }
    const source = { url: url.href.replace(/\/+$/, ''), dtype };
    const existing = this.customModels?.transformers ?? [];
    if (!existing.some((entry) => entry.url === source.url && entry.dtype === dtype)) {
      this.customModels = { ...this.customModels, transformers: [source, ...existing] };
    }
    this.selected = transformersModelId(source.url, dtype);
    this.folderStatus = `Added ${source.url} (${dtype}). Press Load model to load it.`;
    form.reset();
  }

  private engineChoices(): EngineId[] {
    return this.engine === 'double'
      ? ['webllm', 'transformers', 'llamacpp', 'double']
      : ['webllm', 'transformers', 'llamacpp'];
  }

  private chooseEngine(engine: EngineId) {
    this.engine = engine;
    this.selected = '';
    this.models = [];
  }

  private onSourcesChange(event: EdgeLlmSourcesChangeEvent) {
    this.customModels = applyModelSources(this.customModels, this.sources, event.detail);
    this.sources = event.detail;
  }

  private onSelect(event: EdgeLlmModelSelectEvent) {
    this.selected = event.detail.modelId;
  }

  private onRecover(event: EdgeLlmRecoverEvent) {
    const { action } = event.detail;
    if (action === 'use-alternative') {
      const record = this.models.find((model) => model.id === this.selected);
      const alternative = record ? this.picker.fitOf(record)?.alternative : undefined;
      if (alternative) this.selected = alternative.id;
      else this.focusPicker();
    } else if (action === 'pick-another-model') {
      this.focusPicker();
    } else if (action === 'retry' && this.error) {
      this.error = undefined;
      void this.inspectDevice();
      void this.loadCatalog();
    }
  }

  private focusPicker() {
    const radio = this.picker.shadowRoot?.querySelector<HTMLInputElement>(
      'input[name="model"]:checked, input[name="model"]',
    );
    this.picker.scrollIntoView({ block: 'nearest' });
    radio?.focus();
    void this.chat;
  }
}
