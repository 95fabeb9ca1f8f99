import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { appUpdated, offlineEngines, onAppUpdated } from '../client/app-service-worker.js';
import { catalogClient } from '../client/shared-client.js';
import { formatBytes, formatPercent } from '../core/format.js';
import { formatLastUsed } from '../core/storage.js';
import { EdgeLlmCacheChangeEvent } from '../events.js';
import { engineName } from '../core/engines.js';
import type { CachedModel, EngineId } from '../shared/engine-api.js';
import { reportError } from './report-error.js';
import { cardStyles, formStyles } from './shared-styles.js';
import { themeStyles } from './theme.js';

interface Storage {
  usage: number | undefined;
  quota: number | undefined;
  persisted: boolean | undefined;
}

/**
 * Every model stored in this browser, with its size on disk, engine and last use; deletes one or
 * all through each engine's own API; shows storage used against the quota and asks for
 * persistent storage. Says whether the browser is online, which engines and models work offline,
 * and when a new version of the app has taken over.
 *
 * @summary Stored models, storage quota and offline state.
 * @fires edge-llm-cache-change - Stored models were deleted; `detail.models` is what remains.
 * @csspart storage - The storage panel.
 */
export class EdgeLlmCacheManager extends LitElement {
  static override styles = [
    themeStyles,
    formStyles,
    cardStyles,
    css`
      :host {
        display: block;
      }
      .line {
        margin: 0 0 0.6em;
      }
      meter {
        width: 100%;
        height: 0.8em;
      }
      table {
        font-size: 0.92em;
        margin: 0.4em 0;
      }
      caption {
        text-align: left;
        font-weight: 600;
        margin-bottom: 0.3em;
      }
      .name {
        overflow-wrap: anywhere;
      }
      .actions {
        margin-top: 0.5em;
      }
      .granted {
        color: var(--_ok);
      }
    `,
  ];

  /** Where "last used" is measured from; tests may fix it. */
  @property({ attribute: false }) now: () => number = () => Date.now();

  @state() private models: CachedModel[] | undefined;
  /** Engines whose runtime the app's service worker has stored; undefined without one. */
  @state() private engines: EngineId[] | undefined;
  @state() private newVersion = appUpdated();
  @state() private storage: Storage = { usage: undefined, quota: undefined, persisted: undefined };
  @state() private online = navigator.onLine;
  @state() private message = '';
  @state() private busy = false;
  @state() private confirmAll = false;

  private readonly client = catalogClient();
  private readonly onConnection = () => {
    this.online = navigator.onLine;
  };
  // A load, finished or failed, may have stored model files, and its engine's runtime with them.
  private readonly onReady = () => void this.refresh();
  // Not for this card's own failures: reading storage again would only fail again.
  private readonly onError = (event: Event) => {
    if (!event.composedPath().includes(this)) void this.refresh();
  };
  private stopWatchingUpdates: (() => void) | undefined;

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('online', this.onConnection);
    window.addEventListener('offline', this.onConnection);
    window.addEventListener('edge-llm-ready', this.onReady);
    window.addEventListener('edge-llm-error', this.onError);
    // The app's service worker taking control (its first install) can store engines from now on.
    navigator.serviceWorker?.addEventListener('controllerchange', this.onReady);
    this.stopWatchingUpdates = onAppUpdated(() => {
      this.newVersion = true;
      void this.refresh();
    });
    void this.refresh();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('online', this.onConnection);
    window.removeEventListener('offline', this.onConnection);
    window.removeEventListener('edge-llm-ready', this.onReady);
    window.removeEventListener('edge-llm-error', this.onError);
    navigator.serviceWorker?.removeEventListener('controllerchange', this.onReady);
    this.stopWatchingUpdates?.();
  }

  /** Reads the stored models, the storage estimate and the persistence state again. */
  async refresh(): Promise<void> {
    try {
      const [models, estimate, persisted, engines] = await Promise.all([
        this.client.cachedModels(),
        navigator.storage?.estimate?.().catch(() => undefined),
        navigator.storage?.persisted?.().catch(() => undefined),
        offlineEngines(),
      ]);
      this.models = models;
      this.engines = engines;
      this.storage = { usage: estimate?.usage, quota: estimate?.quota, persisted };
    } catch (error) {
      this.message = this.failure('Could not read the stored models', error);
    }
  }

  override render() {
    const models = this.models;
    return html`<section part="storage" aria-label="Storage and offline use">
      ${this.renderUpdate()} ${this.renderConnection()} ${this.renderEngines()} ${this.renderUsage()}
      ${
        models === undefined
          ? html`<p class="muted">Reading stored models…</p>`
          : models.length === 0
            ? html`<p class="muted" data-empty>No model is stored in this browser yet.</p>`
            : this.renderTable(models)
      }
      <div class="actions">
        ${models && models.length > 0 ? this.renderDeleteAll(models) : nothing}
        <button type="button" data-action="persist" ?disabled=${this.busy} @click=${this.persist}>
          Keep models when storage runs low
        </button>
      </div>
      <p class="muted" role="status" data-message>${this.message}</p>
    </section>`;
  }

  private renderConnection() {
    // A model stored in part (a load that stopped early) cannot load offline.
    const names = (this.models ?? []).filter((model) => model.complete !== false).map((model) => model.name);
    if (this.online) {
      return html`<p class="line" data-connection="online">
        Online.
        ${
          'serviceWorker' in navigator && navigator.serviceWorker.controller
            ? 'This app is stored on this device and starts without a network.'
            : ''
        }
      </p>`;
    }
    return html`<p class="line notice" data-connection="offline" role="status">
      Offline.
      ${
        names.length > 0
          ? `Models available offline: ${names.join(', ')}.`
          : 'No model is stored on this device, so none can be loaded until the network returns.'
      }
    </p>`;
  }

  private renderUpdate() {
    if (!this.newVersion) return nothing;
    return html`<p class="line notice" role="status" data-updated>
      Updated to a new version. Engines the old version stored for offline use were removed; each is downloaded again
      the first time it loads a model.
      <button type="button" data-action="reload-app" @click=${() => location.reload()}>Reload to start it</button>
    </p>`;
  }

  private renderEngines() {
    const engines = this.engines;
    if (engines === undefined) return nothing;
    return html`<p class="line" data-offline-engines=${engines.join(' ')}>
      ${
        engines.length > 0
          ? `Engines available offline: ${engines.map(engineName).join(', ')}.`
          : 'No engine is stored for offline use yet: each is stored the first time it loads a model.'
      }
    </p>`;
  }

  private renderUsage() {
    const { usage, quota, persisted } = this.storage;
    return html`<p class="line" data-usage>
        Using <strong>${formatBytes(usage)}</strong> of this site's ${formatBytes(quota)} storage
        quota${quota ? html` (${formatPercent((usage ?? 0) / quota)})` : nothing}.
      </p>
      ${quota ? html`<meter aria-label="Storage used" min="0" max=${quota} value=${usage ?? 0}></meter>` : nothing}
      <p class="line" data-persisted=${persisted === undefined ? 'unknown' : persisted ? 'yes' : 'no'}>
        ${
          persisted === undefined
            ? 'This browser does not say whether storage is persistent.'
            : persisted
              ? html`<span class="granted">Persistent storage granted:</span> the browser will not evict stored models
                  on its own.`
              : 'Storage is not persistent: the browser may evict stored models when the disk runs low.'
        }
      </p>`;
  }

  private renderTable(models: CachedModel[]) {
    const now = this.now();
    const total = models.reduce((sum, model) => sum + model.bytes, 0);
    return html`<table>
      <caption>
        Stored models (${formatBytes(total)}), available offline
      </caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Engine</th>
          <th scope="col" class="num">Size</th>
          <th scope="col">Last used</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${models.map(
          (model) =>
            html`<tr data-key=${model.key} data-engine=${model.engine} data-bytes=${model.bytes}>
              <th scope="row" class="name" title=${model.key}>
                ${model.name}
                ${
                  model.modelIds.length > 0 && model.engine === 'transformers'
                    ? html`<span class="muted"
                        >(${model.modelIds.map((id) => id.slice(id.lastIndexOf('@') + 1)).join(', ')})</span
                      >`
                    : nothing
                }
              </th>
              <td>${engineName(model.engine)}</td>
              <td class="num" data-size>${formatBytes(model.bytes)}</td>
              <td data-last-used=${model.lastUsed ?? ''}>${formatLastUsed(model.lastUsed, now)}</td>
              <td>
                <button
                  type="button"
                  data-action="delete"
                  aria-label=${`Delete ${model.name} (${formatBytes(model.bytes)})`}
                  ?disabled=${this.busy}
                  @click=${() => this.delete([model])}
                >
                  Delete
                </button>
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private renderDeleteAll(models: CachedModel[]) {
    if (!this.confirmAll) {
      return html`<button
        type="button"
        data-action="delete-all"
        ?disabled=${this.busy}
        @click=${() => (this.confirmAll = true)}
      >
        Delete all stored models
      </button>`;
    }
    const total = formatBytes(models.reduce((sum, model) => sum + model.bytes, 0));
    return html`<span role="group" aria-label="Confirm deleting every stored model">
      <button type="button" class="primary" data-action="confirm-delete-all" @click=${() => this.delete(models)}>
        Delete ${models.length} ${models.length === 1 ? 'model' : 'models'} (${total})
      </button>
      <button type="button" data-action="cancel" @click=${() => (this.confirmAll = false)}>Cancel</button>
    </span>`;
  }

  private async delete(models: CachedModel[]) {
    this.busy = true;
    this.confirmAll = false;
    const freed = models.reduce((sum, model) => sum + model.bytes, 0);
    try {
      for (const model of models) await this.client.deleteCachedModel(model.engine, model.key);
      this.message = `Deleted ${models.length === 1 ? models[0]!.name : `${models.length} models`} (${formatBytes(freed)} freed).`;
    } catch (error) {
      this.message = this.failure('Could not delete every file', error);
    } finally {
      this.busy = false;
      await this.refresh();
      this.dispatchEvent(new EdgeLlmCacheChangeEvent({ models: this.models ?? [] }));
    }
  }

  private async persist() {
    if (!navigator.storage?.persist) {
      this.message = 'This browser cannot make storage persistent.';
      return;
    }
    this.busy = true;
    try {
      const granted = await navigator.storage.persist();
      this.message = granted
        ? 'Persistent storage granted.'
        : 'The browser did not grant persistent storage (browsers grant it to sites you use often, bookmark or install). Stored models may be evicted when the disk runs low.';
    } finally {
      this.busy = false;
      await this.refresh();
    }
  }

  private failure(what: string, error: unknown): string {
    const friendly = reportError(this, error);
    return `${what}: ${friendly.title}. ${friendly.message}`;
  }
}
