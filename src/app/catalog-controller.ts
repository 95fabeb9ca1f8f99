/**
 * The app's model list, in order: the saved model, its engine and device first (so a returning
 * visitor gets what they chose), then this device and every engine's catalog, then a default
 * pick for a new visitor: where models run (GPU or CPU) and the model that suits this device
 * best there. A newer request always wins over an older one still running.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { catalogClient } from '../client/shared-client.js';
import { defaultComputePath, deviceForPath, pathOfDevice, type ComputePath } from '../core/compute-path.js';
import { PUBLIC_ENGINE_IDS, runsOnCpu } from '../core/engines.js';
import { DEFAULT_GROUP_FILTER, filterGroups, groupModels } from '../core/model-groups.js';
import { restoredSelection } from '../core/restore-selection.js';
import { transformersModelId } from '../core/transformers-catalog.js';
import { defaultChoice, judgeVariant, type ChoiceContext } from '../core/variant-choice.js';
import { loadSavedSettings } from '../persistence/saved-selection.js';
import type { ComputeDevice, CustomModelSource, DeviceReport, EngineId, ModelRecord } from '../shared/engine-api.js';

/** The app's chat saves under this record; the app reads its engine and model back from it. */
export const APP_STORAGE_KEY = 'app';
/** Longest the catalog waits for the saved engine and model (IndexedDB can be slow to open). */
const RESTORE_WAIT_MS = 1000;

export interface CatalogHost extends ReactiveControllerHost {
  /** The engine the URL names, if any: its models are listed first and the default comes from it. */
  engine: EngineId | undefined;
  customModels: CustomModelSource | undefined;
  /** Shows a failure to list models or probe the device. */
  showError(error: unknown): void;
}

export class CatalogController implements ReactiveController {
  device: DeviceReport | undefined;
  /** Every engine's models (only the test double's when the URL asks for it). */
  models: ModelRecord[] = [];
  /** The chosen variant, its engine and the device it runs on. */
  selected = '';
  selectedEngine: EngineId = 'webllm';
  computeDevice: ComputeDevice = 'webgpu';
  /** Where models run; undefined until chosen or this device's default is known. */
  path: ComputePath | undefined;

  private readonly client = catalogClient();
  private request = 0;
  private restored: Promise<void> | undefined;

  constructor(private readonly host: CatalogHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.restored ??= this.restoreSelection();
  }

  /** Lists every engine's catalog again (custom models or storage changed). */
  async refresh(): Promise<void> {
    const request = ++this.request;
    await this.restored;
    if (request !== this.request) return;
    const engines: readonly EngineId[] = this.host.engine === 'double' ? ['double'] : PUBLIC_ENGINE_IDS;
    // One engine that cannot list (a chunk that failed to load) leaves the others' models listed.
    const lists = await Promise.allSettled(
      engines.map((engine) => this.client.listModels(engine, this.host.customModels)),
    );
    if (request !== this.request) return;
    const failed = lists.find((list) => list.status === 'rejected');
    if (failed) this.host.showError(failed.reason);
    this.models = lists.flatMap((list) => (list.status === 'fulfilled' ? list.value : []));
    this.pickDefault();
    this.host.requestUpdate();
  }

  /** The device's WebGPU report (the host hears of a browser without WebGPU from it). */
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

  /**
   * Chooses a variant; without a device, the one it runs on for the current path (a model not
   * listed yet, just added, runs on the path if its engine can).
   */
  select(modelId: string, engine?: EngineId, device?: ComputeDevice): void {
    const record = this.models.find((model) => model.id === modelId && (!engine || model.engine === engine));
    this.selected = modelId;
    this.selectedEngine = engine ?? record?.engine ?? this.selectedEngine;
    const context = this.context();
    const path = this.currentPath() ?? pathOfDevice(this.computeDevice);
    this.computeDevice =
      device ??
      (record && context
        ? judgeVariant(record, context).device
        : runsOnCpu(this.selectedEngine)
          ? deviceForPath(path)
          : 'webgpu');
    this.host.requestUpdate();
  }

  /** The visitor chose where models run; the picker then chooses the model's variant there. */
  choosePath(path: ComputePath): void {
    this.path = path;
    this.host.requestUpdate();
  }

  /** Where models run now: the visitor's choice, else this device's default (the CPU without WebGPU). */
  currentPath(): ComputePath | undefined {
    if (!this.device) return this.path;
    const advice = defaultComputePath(this.device);
    return advice.gpuAvailable ? (this.path ?? advice.path) : 'cpu';
  }

  private context(): ChoiceContext | undefined {
    const path = this.currentPath();
    return this.device && path ? { device: this.device, path, catalog: this.models } : undefined;
  }

  /** The engine, model and device the chat was saved with, unless the URL names another engine. */
  private async restoreSelection(): Promise<void> {
    const saved = await loadSavedSettings(APP_STORAGE_KEY, RESTORE_WAIT_MS);
    if (!saved) return;
    const engineFromUrl = this.host.engine !== undefined;
    const current = this.host.engine ?? saved.engine ?? this.selectedEngine;
    const { engine, model } = restoredSelection(saved, current, engineFromUrl);
    if (!model) return;
    if (saved.device) this.path = pathOfDevice(saved.device);
    this.select(model, engine, saved.device);
  }

  /** A new visitor's model: the one that suits this device best on its default path. */
  private pickDefault(): void {
    const chosen = this.models.find((model) => model.id === this.selected && model.engine === this.selectedEngine);
    if (chosen || !this.device || this.models.length === 0) return;
    const context = this.context()!;
    const custom = this.customRecords();
    const preferred = this.host.engine;
    const pool = custom.length > 0 ? custom : this.models.filter((model) => !preferred || model.engine === preferred);
    const groups = groupModels(pool);
    const candidates = custom.length > 0 ? groups : filterGroups(groups, DEFAULT_GROUP_FILTER);
    const accept = (group: { instruct: boolean }) => custom.length > 0 || preferred === 'double' || group.instruct;
    const choice = defaultChoice(candidates, context, accept);
    const record = choice?.best.judgement.record ?? candidates[0]?.variants[0] ?? pool[0];
    if (record) this.select(record.id, record.engine, choice?.best.judgement.device);
  }

  /** The listed models the host page or the visitor added: they are what the visitor came for. */
  private customRecords(): ModelRecord[] {
    const custom = this.host.customModels;
    const ids = new Set([
      ...(custom?.webllm ?? []).map((entry) => (entry as { model_id?: string }).model_id),
      ...(custom?.transformers ?? []).map((source) =>
        transformersModelId(source.url.replace(/\/+$/, ''), source.dtype),
      ),
      ...(custom?.llamacpp ?? []).map((source) => source.url),
    ]);
    return this.models.filter((model) => ids.has(model.id));
  }
}
