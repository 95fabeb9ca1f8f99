import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ModelSourcesSetting } from '../core/custom-models.js';
import { engineName } from '../core/engines.js';
import { checkMirrorBase, isHttpUrl } from '../core/mirror-urls.js';
import { TRANSFORMERS_DTYPES, transformersModelId } from '../core/transformers-catalog.js';
import { EdgeLlmModelSelectEvent, EdgeLlmSourcesChangeEvent } from '../events.js';
import type { CustomModelSource, EngineId, TransformersModelSource } from '../shared/engine-api.js';
import { formStyles } from './shared-styles.js';
import { themeStyles } from './theme.js';

type MirrorEngine = 'webllm' | 'transformers' | 'llamacpp';

const ENGINES: { id: MirrorEngine; label: string; example: string }[] = [
  { id: 'webllm', label: 'web-llm mirror base URL', example: 'https://models.intranet.example/models/' },
  { id: 'transformers', label: 'transformers.js mirror base URL', example: 'https://models.intranet.example/models/' },
  { id: 'llamacpp', label: 'llama.cpp (GGUF) mirror base URL', example: 'https://models.intranet.example/models/' },
];

/** Saved in localStorage so that an air-gapped visitor sets the mirror once, not on every visit. */
const STORAGE_KEY = 'edge-llm:model-sources';
/** A model list is a few kilobytes; anything much larger is the wrong file. */
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_SHOWN_ERRORS = 12;

/** The list validator, loaded when a list is imported or restored: most visitors never need it. */
const modelList = () => import('../core/model-list.js');

function describeImport(models: CustomModelSource): string {
  const names = [
    ...(models.webllm ?? []).map((entry) => String((entry as { model_id?: unknown }).model_id)),
    ...(models.transformersHub ?? []).map((entry) => `${entry.model} (${entry.dtype})`),
    ...(models.transformers ?? []).map((entry) => `${entry.name ?? entry.url} (${entry.dtype})`),
  ];
  return `${names.length} ${names.length === 1 ? 'model' : 'models'}: ${names.join(', ')}`;
}

/**
 * Where models come from on a network without the public model hosts: a mirror base URL per
 * engine (a folder written by `npm run mirror`) and an imported model list (JSON). Both are
 * kept in localStorage.
 *
 * @summary Mirror base URLs and model list import.
 * @fires edge-llm-sources-change - The sources changed (also once on start when some were saved).
 * @csspart sources - The panel.
 */
export class EdgeLlmModelSources extends LitElement {
  static override styles = [
    themeStyles,
    formStyles,
    css`
      :host {
        display: block;
        margin-bottom: 0.8em;
      }
      summary {
        cursor: pointer;
        font-weight: 600;
      }
      details form,
      .import {
        display: grid;
        gap: 0.6em;
        margin-top: 0.6em;
      }
      form.folder {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em 0.8em;
        align-items: flex-end;
        margin-bottom: 0.8em;
      }
      form.folder input {
        min-width: min(22rem, 80vw);
      }
      .errors {
        color: var(--_danger);
        font-size: 0.85em;
        margin: 0;
      }
      .errors ul {
        margin: 0.3em 0 0;
        padding-left: 1.2em;
      }
      .ok {
        color: var(--_ok);
        font-size: 0.85em;
        margin: 0;
      }
    `,
  ];

  /** The engine whose models are listed: a self-hosted folder can be added for transformers.js. */
  @property() engine: EngineId = 'webllm';

  @state() private mirror: Partial<Record<MirrorEngine, string>> = {};
  @state() private imported: CustomModelSource = {};
  @state() private fieldErrors: Partial<Record<MirrorEngine, string>> = {};
  @state() private mirrorStatus = '';
  @state() private importErrors: string[] = [];
  @state() private importStatus = '';
  @state() private open = false;
  @state() private folders: TransformersModelSource[] = [];
  @state() private folderStatus = '';

  override connectedCallback() {
    super.connectedCallback();
    void this.restore();
  }

  override render() {
    return html`${this.engine === 'transformers' ? this.renderFolderForm() : nothing}
      <details part="sources" ?open=${this.open} @toggle=${this.onToggle}>
        <summary>Self-hosted models: mirror and model list</summary>
        <form novalidate @submit=${this.onSaveMirror}>
          ${ENGINES.map(({ id, label, example }) => {
            const error = this.fieldErrors[id];
            return html`<label
                >${label}
                <input
                  type="text"
                  inputmode="url"
                  name=${`${id}-mirror`}
                  autocomplete="url"
                  spellcheck="false"
                  placeholder=${example}
                  .value=${this.mirror[id] ?? ''}
                  aria-invalid=${error ? 'true' : 'false'}
                  aria-describedby=${`${id}-mirror-error`}
              /></label>
              <p class="field-error" id=${`${id}-mirror-error`} data-field=${id}>${error ?? ''}</p>`;
          })}
          <div class="actions">
            <button type="submit" class="primary">Save mirrors</button>
            <button type="button" data-action="clear-mirrors" @click=${this.onClearMirrors}>
              Use the public hosts
            </button>
          </div>
          <p class="ok" role="status">${this.mirrorStatus}</p>
        </form>
        <div class="import">
          <label
            >Import a model list (JSON, e.g. edge-llm-models.json from npm run mirror)
            <input
              type="file"
              name="model-list"
              accept=".json,application/json"
              aria-describedby="import-errors"
              @change=${this.onImport}
          /></label>
          ${
            Object.keys(this.imported).length > 0
              ? html`<div class="actions">
                  <button type="button" data-action="forget-imported" @click=${this.onForget}>
                    Forget imported models
                  </button>
                </div>`
              : nothing
          }
          <p class="ok" role="status">${this.importStatus}</p>
          <div class="errors" id="import-errors" role="alert">
            ${
              this.importErrors.length > 0
                ? html`The model list was not imported:
                    <ul>
                      ${this.importErrors.slice(0, MAX_SHOWN_ERRORS).map((error) => html`<li>${error}</li>`)}
                      ${
                        this.importErrors.length > MAX_SHOWN_ERRORS
                          ? html`<li>…and ${this.importErrors.length - MAX_SHOWN_ERRORS} more.</li>`
                          : nothing
                      }
                    </ul>`
                : nothing
            }
          </div>
        </div>
      </details>`;
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
          ${TRANSFORMERS_DTYPES.map((dtype) => html`<option>${dtype}</option>`)}
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
    const dtype = String(data.get('dtype') ?? TRANSFORMERS_DTYPES[0]);
    if (!isHttpUrl(raw)) {
      this.folderStatus = 'Enter an absolute http(s) URL, e.g. https://host/models/name/.';
      return;
    }
    const folder = { url: new URL(raw).href.replace(/\/+$/, ''), dtype };
    const same = (entry: TransformersModelSource) => entry.url === folder.url && entry.dtype === dtype;
    this.folders = [folder, ...this.folders.filter((entry) => !same(entry))];
    this.folderStatus = `Added ${folder.url} (${dtype}). Press Load model to load it.`;
    form.reset();
    this.announce();
    this.dispatchEvent(
      new EdgeLlmModelSelectEvent({ modelId: transformersModelId(folder.url, dtype), engine: 'transformers' }),
    );
  }

  private onToggle(event: Event) {
    this.open = (event.target as HTMLDetailsElement).open;
  }

  private onSaveMirror(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const mirror: Partial<Record<MirrorEngine, string>> = {};
    const errors: Partial<Record<MirrorEngine, string>> = {};
    for (const { id } of ENGINES) {
      const raw = String(data.get(`${id}-mirror`) ?? '').trim();
      if (raw === '') continue;
      const check = checkMirrorBase(raw);
      if (check.ok) mirror[id] = check.base;
      else errors[id] = check.message;
    }
    this.fieldErrors = errors;
    const invalid = ENGINES.find(({ id }) => errors[id]);
    if (invalid) {
      this.mirrorStatus = '';
      form.querySelector<HTMLInputElement>(`input[name="${invalid.id}-mirror"]`)?.focus();
      return;
    }
    this.mirror = mirror;
    const names = ENGINES.filter(({ id }) => mirror[id]).map(({ id }) => `${engineName(id)} from ${mirror[id]}`);
    this.mirrorStatus = names.length > 0 ? `Models load ${names.join('; ')}.` : 'Models load from the public hosts.';
    this.announce();
  }

  private onClearMirrors() {
    this.mirror = {};
    this.fieldErrors = {};
    this.mirrorStatus = 'Models load from the public hosts.';
    this.announce();
  }

  private async onImport(event: Event) {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    this.importStatus = '';
    if (file.size > MAX_FILE_BYTES) {
      this.importErrors = [
        `${file.name} is ${Math.round(file.size / 1024)} KB; a model list is a few KB. Is it the right file?`,
      ];
      return;
    }
    const { parseModelList } = await modelList();
    const result = parseModelList(await file.text());
    if (!result.ok) {
      this.importErrors = result.errors;
      return;
    }
    this.importErrors = [];
    this.imported = result.models;
    this.importStatus = `Imported ${describeImport(result.models)}. Pick one in the list below.`;
    input.value = '';
    this.announce();
  }

  private onForget() {
    this.imported = {};
    this.importErrors = [];
    this.importStatus = 'Imported models removed.';
    this.announce();
  }

  private announce() {
    const setting: ModelSourcesSetting = {
      mirror: { ...this.mirror },
      imported: this.imported,
      folders: this.folders,
    };
    this.save(setting);
    this.dispatchEvent(new EdgeLlmSourcesChangeEvent(setting));
  }

  private save(setting: ModelSourcesSetting) {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(setting));
    } catch {
      // Storage can be blocked (private mode, policies): the setting then lasts for this visit.
    }
  }

  /** Applies the saved setting, if there is one, and tells the page. */
  private async restore() {
    let saved: unknown;
    try {
      saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    } catch {
      return;
    }
    if (typeof saved !== 'object' || saved === null) return;
    const { mirror, imported, folders } = saved as Partial<ModelSourcesSetting>;
    // Saved data is checked again: it may come from an older version or have been edited.
    const bases: Partial<Record<MirrorEngine, string>> = {};
    for (const { id } of ENGINES) {
      const value = mirror?.[id];
      const check = typeof value === 'string' ? checkMirrorBase(value) : undefined;
      if (check?.ok) bases[id] = check.base;
    }
    let models: CustomModelSource = {};
    if (imported && Object.keys(imported).length > 0) {
      const { parseModelList, MODEL_LIST_SCHEMA } = await modelList();
      const list = parseModelList(JSON.stringify(toListFile(imported, MODEL_LIST_SCHEMA)));
      if (list.ok) models = list.models;
    }
    this.mirror = bases;
    this.imported = models;
    this.folders = validFolders(folders);
    const anything = Object.keys(bases).length + Object.keys(models).length + this.folders.length;
    if (anything > 0) this.announce();
  }
}

/** Saved folders read back: only http(s) URLs with a known weights variant. */
function validFolders(saved: unknown): TransformersModelSource[] {
  if (!Array.isArray(saved)) return [];
  return saved.filter(
    (entry): entry is TransformersModelSource =>
      typeof entry?.url === 'string' &&
      isHttpUrl(entry.url) &&
      (TRANSFORMERS_DTYPES as readonly unknown[]).includes(entry.dtype),
  );
}

/** An imported setting written back in the file format, so that restoring runs the same checks. */
function toListFile(models: CustomModelSource, schema: string): unknown {
  const transformers = [...(models.transformersHub ?? []), ...(models.transformers ?? [])];
  return {
    schema,
    ...(models.webllm?.length ? { webllm: models.webllm } : {}),
    ...(transformers.length ? { transformers } : {}),
    ...(models.llamacpp?.length ? { llamacpp: models.llamacpp } : {}),
  };
}
