/**
 * One row of the model picker: a model (family and size), a control for its variants, and what
 * this device makes of the variant in view. A template function: the picker owns the state.
 */
import { html, nothing } from 'lit';
import { engineLabel } from '../core/engines.js';
import { formatMiB } from '../core/format.js';
import { enginesPhrase, variantLabel, type ModelGroup } from '../core/model-groups.js';
import type { BestVariant, VariantJudgement, VariantStatus } from '../core/variant-choice.js';
import type { EngineId, ModelRecord } from '../shared/engine-api.js';

export const STATUS_LABELS: Record<VariantStatus, string> = {
  fits: 'fits',
  tight: 'tight',
  'size-unknown': 'size unknown',
  'wont-fit': "won't fit",
  'needs-f16': 'needs shader-f16',
  'needs-webgpu': 'needs WebGPU',
  'needs-storage': 'needs file storage',
};

export interface RowView {
  group: ModelGroup;
  /** Every variant's judgement on the chosen path, by id; empty until the device is known. */
  judged: ReadonlyMap<string, VariantJudgement>;
  best: BestVariant | undefined;
  /** The variant the row shows: the chosen model's, the visitor's last pick, else the best. */
  current: ModelRecord;
  /** True when this row holds the chosen model. */
  selected: boolean;
  onPick: () => void;
  onVariant: (modelId: string) => void;
}

function optionText(record: ModelRecord, judged: VariantJudgement | undefined, bestId: string | undefined): string {
  const parts = [variantLabel(record)];
  if (judged) parts.push(judged.computesOn === 'cpu' ? 'CPU' : 'GPU');
  parts.push(record.vramMB > 0 ? `needs ${formatMiB(record.vramMB)}` : 'size unknown');
  if (judged && judged.status !== 'size-unknown') parts.push(STATUS_LABELS[judged.status]);
  if (record.cached) parts.push('stored');
  if (record.id === bestId) parts.push('best here');
  return parts.join(' · ');
}

function variantOptions(view: RowView) {
  const bestId = view.best?.judgement.record.id;
  const engines = [...new Set(view.group.variants.map((record) => record.engine))];
  const option = (record: ModelRecord) =>
    html`<option
      value=${record.id}
      data-engine=${record.engine}
      data-status=${view.judged.get(record.id)?.status ?? 'unknown'}
      data-cached=${record.cached ? 'yes' : 'no'}
      ?selected=${record.id === view.current.id}
    >
      ${optionText(record, view.judged.get(record.id), bestId)}
    </option>`;
  if (engines.length === 1) return view.group.variants.map(option);
  return engines.map(
    (engine: EngineId) =>
      html`<optgroup label=${engineLabel(engine)}>
        ${view.group.variants.filter((record) => record.engine === engine).map(option)}
      </optgroup>`,
  );
}

/** The verdict line: the best variant's reason, or why the variant in view is not it, with a way to a better one. */
function verdict(view: RowView) {
  const judged = view.judged.get(view.current.id);
  if (!judged) return html`<p class="verdict muted">Checking this device…</p>`;
  const best = view.best?.judgement.record;
  const isBest = best?.id === view.current.id;
  // A variant that cannot run points at the fit check's twin first (the f32 build of an f16 one).
  const target = isBest ? undefined : judged.runsHere ? best : (judged.alternative ?? best);
  const action = target ? `${target.id === best?.id ? 'Use the best here' : 'Use'}: ${variantLabel(target)}` : '';
  return html`<p class="verdict">
    <span class="badge ${judged.status}">${STATUS_LABELS[judged.status]}</span>
    <span class="reason" data-reason>${isBest ? view.best!.reason : judged.reason}</span>
    ${
      target
        ? html`<button
            type="button"
            class="alt"
            data-alternative=${target.id}
            aria-label=${`${action}, for ${view.group.title}`}
            @click=${() => view.onVariant(target.id)}
          >
            ${action}
          </button>`
        : nothing
    }
  </p>`;
}

export function modelRow(view: RowView) {
  const { group, current } = view;
  const judged = view.judged.get(current.id);
  const selectId = `variant-${group.key}`;
  return html`<li
    class=${view.selected ? 'row selected' : 'row'}
    data-model-key=${group.key}
    data-model-id=${current.id}
    data-engine=${current.engine}
    data-verdict=${judged?.status ?? 'unknown'}
    data-best=${view.best?.judgement.record.id ?? ''}
  >
    <div class="head">
      <label class="pick">
        <input type="radio" name="model" .value=${group.key} .checked=${view.selected} @change=${view.onPick} />
        <span class="title">${group.title}</span>
      </label>
      ${group.stored ? html`<span class="tag" data-stored>stored</span>` : nothing}
    </div>
    <p class="meta">
      ${group.name !== group.title ? html`<span class="mono">${group.name}</span> · ` : nothing}<span data-engines
        >${enginesPhrase(group.engines)}</span
      >
    </p>
    <div class="variant">
      <label for=${selectId}>Variant</label>
      <select
        id=${selectId}
        name="variant"
        aria-label=${`Variant of ${group.title}`}
        @change=${(event: Event) => view.onVariant((event.target as HTMLSelectElement).value)}
      >
        ${variantOptions(view)}
      </select>
    </div>
    ${verdict(view)}
  </li>`;
}
