/**
 * The app's model list, in order: the saved engine and model first (so the wrong catalog is never
 * listed), then this device and the engine's catalog, then a default pick, then the marks for
 * models the other engine also has. A newer request always wins over an older one still running.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { catalogClient } from '../client/shared-client.js';
import { filterCatalog, isInstructModel } from '../core/catalog.js';
import { engineLabel } from '../core/engines.js';
import { defaultModel } from '../core/fit.js';
import { restoredSelection } from '../core/restore-selection.js';
import { crossEngineKey, transformersModelId } from '../core/transformers-catalog.js';
import { loadSavedSettings } from '../persistence/saved-selection.js';
import type { CustomModelSource, DeviceReport, EngineId, ModelRecord } from '../shared/engine-api.js';

/** The app's chat saves under this record; the app reads its engine and model back from it. */
export const APP_STORAGE_KEY = 'app';
/** Longest the catalog waits for the saved engine and model (IndexedDB can be slow to open). */
const RESTORE_WAIT_MS = 1000;

const OTHER_ENGINE: Partial<Record<EngineId, EngineId>> = {
  webllm: 'transformers',
  transformers: 'webllm',
  llamacpp: 'transformers',
};

export interface CatalogHost extends ReactiveControllerHost {
  engine: EngineId;
  customModels: CustomModelSource | undefined;
  /** Shows a failure to list models or probe the device. */
  showError(error: unknown): void;
}

export class CatalogController implements ReactiveController {
  device: DeviceReport | undefined;
  models: ModelRecord[] = [];
  selected = '';
  /** Models the other engine also has, by cross-engine key, with that engine's label. */
  alsoIn: { label: string; keys: Set<string> } | undefined;

  private readonly client = catalogClient();
  private request = 0;
  private restored: Promise<void> | undefined;

  constructor(private readonly host: CatalogHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.restored ??= this.restoreSelection();
  }

  /** Lists the host's engine's catalog again (engine, custom models or storage changed). */
  async refresh(): Promise<void> {
    const request = ++this.request;
    await this.restored;
    if (request !== this.request) return;
    try {
      const models = await this.client.listModels(this.host.engine, this.host.customModels);
      if (request !== this.request) return;
      this.models = models;
      this.pickDefault();
      this.host.requestUpdate();
      // The same model in the other real engine, so visitors can compare engines on their device.
      const other = OTHER_ENGINE[this.host.engine];
      const keys = other
        ? new Set((await this.client.listModels(other, this.host.customModels)).map(crossEngineKey))
        : undefined;
      if (request !== this.request) return;
      this.alsoIn = other && keys ? { label: engineLabel(other), keys } : undefined;
      this.host.requestUpdate();
    } catch (error) {
      this.host.showError(error);
    }
  }

  /** The device's WebGPU report; the host hears of a browser without WebGPU or an adapter from it. */
  async inspectDevice(): Promise<DeviceReport | undefined> {
    try {
      this.device = await this.client.probeDevice();
      this.pickDefault();
      this.host.requestUpdate();
      return this.device;
    } catch (error) {
      this.host.showError(error);
      return undefined;
    }
  }

  select(modelId: string): void {
    this.selected = modelId;
    this.host.requestUpdate();
  }

  /** Another engine's catalog: nothing is selected until it is listed. */
  chooseEngine(engine: EngineId): void {
    this.host.engine = engine;
    this.selected = '';
    this.models = [];
    this.host.requestUpdate();
  }

  /** The engine and model the chat was saved with, unless the URL names an engine. */
  private async restoreSelection(): Promise<void> {
    const saved = await loadSavedSettings(APP_STORAGE_KEY, RESTORE_WAIT_MS);
    if (!saved) return;
    const engineFromUrl = new URLSearchParams(location.search).has('engine');
    const { engine, model } = restoredSelection(saved, this.host.engine, engineFromUrl);
    this.host.engine = engine;
    if (model) this.select(model);
  }

  /** The smallest instruct model that fits, once both the device and the catalog are known. */
  private pickDefault(): void {
    if (this.selected && this.models.some((model) => model.id === this.selected)) return;
    if (!this.device || this.models.length === 0) return;
    const custom = this.customRecords();
    const candidates = filterCatalog(custom.length > 0 ? custom : this.models, { showAll: custom.length > 0 });
    const choice =
      this.device.webgpu === 'available'
        ? defaultModel(
            candidates,
            this.device,
            this.models,
            (record) => custom.length > 0 || this.host.engine === 'double' || isInstructModel(record),
          )
        : undefined;
    this.selected = (choice ?? candidates[0])?.id ?? '';
  }

  /** The listed models the host page or the visitor added: they are what the visitor came for. */
  private customRecords(): ModelRecord[] {
    const custom = this.host.customModels;
    const ids = new Set([
      ...(custom?.webllm ?? []).map((entry) => (entry as { model_id?: string }).model_id),
      ...(custom?.transformers ?? []).map((source) =>
        transformersModelId(source.url.replace(/\/+$/, ''), source.dtype),
      ),
    ]);
    return this.models.filter((model) => ids.has(model.id));
  }
}
