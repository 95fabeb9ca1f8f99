import { LitElement, html, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { defaultComputePath, type ComputePath } from '../core/compute-path.js';
import { engineLabel, PUBLIC_ENGINE_IDS } from '../core/engines.js';
import {
  DEFAULT_GROUP_FILTER,
  filterGroups,
  groupModels,
  modelGroupKey,
  type GroupFilter,
  type ModelGroup,
  type SizeFilter,
} from '../core/model-groups.js';
import { bestVariant, judgeVariant, type ChoiceContext, type VariantJudgement } from '../core/variant-choice.js';
import { EdgeLlmModelSelectEvent, EdgeLlmPathChangeEvent } from '../events.js';
import type { DeviceReport, EngineId, ModelRecord } from '../shared/engine-api.js';
import { pickerStyles } from './model-picker.styles.js';
import { modelRow } from './model-row.js';
import { formStyles } from './shared-styles.js';
import { themeStyles } from './theme.js';

const SIZE_LABELS: Record<SizeFilter, string> = {
  // Short enough for a phone's select: chat models only, by their memory need.
  tiny: 'Chat, up to 1 GB',
  small: 'Chat, up to 4 GB',
  any: 'Any size or kind',
};

/**
 * Models, not files: one row per model (family and size) from every engine, with its variants
 * (quantization and engine) in a control on the row. For each row the best variant for this
 * device is pre-chosen, with the reason in words; variants this device cannot run are listed with
 * their reason and never pre-chosen. Above the rows: where models run (GPU or CPU) and filters by
 * engine, size and storage.
 *
 * @summary Pick a model that runs well on this device.
 * @fires edge-llm-model-select - A variant was chosen (`detail`: { modelId, engine, device }).
 * @fires edge-llm-path-change - The visitor chose where models run (`detail.path`: "gpu" or "cpu").
 * @csspart picker - The picker.
 */
export class EdgeLlmModelPicker extends LitElement {
  static override styles = [themeStyles, formStyles, pickerStyles];

  /** Every listed model, of every engine. */
  @property({ attribute: false }) models: ModelRecord[] = [];
  @property({ attribute: false }) device: DeviceReport | undefined;
  /** The chosen variant's id. */
  @property() selected = '';
  /** Where models run: "gpu" or "cpu"; unset, this device's default. */
  @property() path: ComputePath | undefined;
  /** Lists one engine's variants to start with ("all" for every engine). */
  @property() engine: EngineId | 'all' = 'all';

  @state() private filter: GroupFilter = DEFAULT_GROUP_FILTER;
  /** The variant a visitor last chose in each row, by row key, so a row keeps it when another is chosen. */
  private readonly rowChoice = new Map<string, string>();

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('engine')) this.filter = { ...this.filter, engine: this.engine };
  }

  /** The context variants are judged in; undefined until the device is known. */
  choiceContext(): ChoiceContext | undefined {
    if (!this.device) return undefined;
    return { device: this.device, path: this.currentPath(), catalog: this.models };
  }

  override render() {
    const groups = filterGroups(groupModels(this.models), this.filter);
    const selectedKey = this.selectedRecord() ? modelGroupKey(this.selectedRecord()!) : '';
    const ctx = this.choiceContext();
    return html`
      <section part="picker" aria-label="Models">
        ${this.renderPath()} ${this.renderFilters()}
        <p class="count muted" aria-live="polite">${groups.length} ${groups.length === 1 ? 'model' : 'models'} shown</p>
        <fieldset>
          <legend class="visually-hidden">Model</legend>
          <ul class="rows">
            ${groups.map((group) => this.renderRow(group, group.key === selectedKey, ctx))}
          </ul>
        </fieldset>
      </section>
    `;
  }

  private renderPath() {
    if (!this.device) return html`<p class="path muted">Looking at this device…</p>`;
    const advice = defaultComputePath(this.device);
    const path = this.currentPath();
    const radio = (value: ComputePath, label: string, disabled: boolean) =>
      html`<label
        ><input
          type="radio"
          name="path"
          .value=${value}
          .checked=${path === value}
          ?disabled=${disabled}
          @change=${() => this.choosePath(value)}
        />
        ${label}</label
      >`;
    return html`<fieldset class="path">
      <legend>Run models on</legend>
      <div class="choices">
        ${radio('gpu', 'the GPU (WebGPU)', !advice.gpuAvailable)} ${radio('cpu', 'the CPU (WebAssembly)', false)}
      </div>
      <p class="path-reason" data-path-reason>
        ${advice.reason}${path !== advice.path ? ` You chose ${path === 'cpu' ? 'the CPU' : 'the GPU'}.` : ''}
      </p>
    </fieldset>`;
  }

  private renderFilters() {
    const engines: (EngineId | 'all')[] = [
      'all',
      ...PUBLIC_ENGINE_IDS,
      ...(this.models.some((record) => record.engine === 'double') ? (['double'] as const) : []),
    ];
    return html`<div class="filters">
      <label class="query"
        >Search
        <input
          type="search"
          name="model-search"
          .value=${this.filter.query}
          @input=${(e: Event) => this.setFilter({ query: (e.target as HTMLInputElement).value })}
        />
      </label>
      <label
        >Engine
        <select
          name="engine-filter"
          @change=${(e: Event) => this.setFilter({ engine: (e.target as HTMLSelectElement).value as EngineId | 'all' })}
        >
          ${engines.map(
            (engine) =>
              html`<option value=${engine} ?selected=${engine === this.filter.engine}>
                ${engine === 'all' ? 'Every engine' : engineLabel(engine)}
              </option>`,
          )}
        </select>
      </label>
      <label
        >Size
        <select
          name="size-filter"
          @change=${(e: Event) => this.setFilter({ size: (e.target as HTMLSelectElement).value as SizeFilter })}
        >
          ${(Object.keys(SIZE_LABELS) as SizeFilter[]).map(
            (size) => html`<option value=${size} ?selected=${size === this.filter.size}>${SIZE_LABELS[size]}</option>`,
          )}
        </select>
      </label>
      <label class="stored"
        ><input
          type="checkbox"
          name="stored-only"
          .checked=${this.filter.storedOnly}
          @change=${(e: Event) => this.setFilter({ storedOnly: (e.target as HTMLInputElement).checked })}
        />
        Stored on this device</label
      >
    </div>`;
  }

  private renderRow(group: ModelGroup, selected: boolean, ctx: ChoiceContext | undefined) {
    const judged = new Map<string, VariantJudgement>(
      ctx ? group.variants.map((record) => [record.id, judgeVariant(record, ctx)]) : [],
    );
    const best = ctx ? bestVariant(group.variants, ctx) : undefined;
    const byId = (id: string | undefined) => group.variants.find((record) => record.id === id);
    const current =
      (selected ? byId(this.selected) : undefined) ??
      byId(this.rowChoice.get(group.key)) ??
      best?.judgement.record ??
      group.variants[0]!;
    return modelRow({
      group,
      judged,
      best,
      current,
      selected,
      onPick: () => this.choose(current, judged.get(current.id)),
      onVariant: (id) => {
        const record = byId(id);
        if (!record) return;
        this.rowChoice.set(group.key, id);
        this.choose(record, judged.get(id));
      },
    });
  }

  private currentPath(): ComputePath {
    const advice = this.device ? defaultComputePath(this.device) : undefined;
    if (advice && !advice.gpuAvailable) return 'cpu';
    return this.path ?? advice?.path ?? 'gpu';
  }

  private selectedRecord(): ModelRecord | undefined {
    return this.models.find((record) => record.id === this.selected);
  }

  private setFilter(change: Partial<GroupFilter>) {
    this.filter = { ...this.filter, ...change };
  }

  private choose(record: ModelRecord, judged: VariantJudgement | undefined) {
    this.selected = record.id;
    this.dispatchEvent(
      new EdgeLlmModelSelectEvent({
        modelId: record.id,
        engine: record.engine,
        ...(judged ? { device: judged.device } : {}),
      }),
    );
  }

  /** A new path: the chosen model moves to its best variant there. */
  private choosePath(path: ComputePath) {
    this.path = path;
    this.dispatchEvent(new EdgeLlmPathChangeEvent({ path }));
    const record = this.selectedRecord();
    const ctx = this.choiceContext();
    if (!record || !ctx) return;
    const group = groupModels(this.models).find((candidate) => candidate.key === modelGroupKey(record));
    const best = group ? bestVariant(group.variants, ctx) : undefined;
    const target = best?.judgement.record ?? record;
    this.rowChoice.delete(modelGroupKey(record));
    this.choose(target, judgeVariant(target, ctx));
  }
}
