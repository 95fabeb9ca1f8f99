/**
 * The evaluation's setup form as pure template functions: engine, models, suite (built-in or the
 * user's own), limits, the correctness check, Run and Cancel with progress. They render what they
 * are given and report changes through the handlers; the element owns the state.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ENGINE_IDS, engineLabel } from '../../core/engines.js';
import type { SuiteLanguage } from '../../core/eval/item.js';
import { BUILT_IN_SUITES, MAX_ITEM_COUNT } from '../../core/eval/suites.js';
import type { EvalSessionProgress } from '../../measure/eval-session.js';
import type { ComputeDevice, EngineId } from '../../shared/engine-api.js';
import { MAX_OUTPUT_TOKENS } from './eval-run-controller.js';

/** The settings the form shows. */
export interface EvalFormSettings {
  engine: EngineId;
  device: ComputeDevice;
  models: string[];
  suite: string;
  suiteLang: SuiteLanguage;
  count: number;
  maxTokens: number;
  checkCorrectness: boolean;
}

/** A change of the form, by field: the settings it sets, and the model typed (`draft`). */
export function formChange(
  field: HTMLInputElement | HTMLSelectElement,
): Partial<EvalFormSettings> & { draft?: string } {
  const value = field.value;
  switch (field.name) {
    case 'engine':
      return { engine: value as EngineId };
    case 'device':
      return { device: value as ComputeDevice };
    case 'model':
      return { draft: value.trim() };
    case 'suite':
      return { suite: value };
    case 'lang':
      return { suiteLang: value as SuiteLanguage };
    case 'count':
      return { count: Number(value) };
    case 'max-tokens':
      return { maxTokens: Number(value) };
    case 'check-correctness':
      return { checkCorrectness: (field as HTMLInputElement).checked };
    default:
      return {};
  }
}

export interface SetupState {
  settings: EvalFormSettings;
  busy: boolean;
  catalogIds: string[];
  /** The model typed or picked, not yet added. */
  draft: string;
  userSuites: string[];
  suiteProblems: string[];
  suiteWarnings: string[];
  progress: EvalSessionProgress | undefined;
  formError: string;
}

export interface SetupHandlers {
  onChange(event: Event): void;
  /** The model field was typed in. */
  onDraft(event: Event): void;
  onAddModel(): void;
  onRemoveModel(model: string): void;
  onSuiteFile(event: Event): void;
  onForgetSuite(): void;
  onRun(): void;
  onCancel(): void;
}

const SUITE_TITLES: Record<string, string> = {
  arithmetic: 'Arithmetic word problems',
  extraction: 'Extraction (date, name, amount)',
  classification: 'Classification (sentiment, topic)',
  instructions: 'Instruction following',
};

function modelsView({ settings, busy, catalogIds, draft }: SetupState, on: SetupHandlers) {
  return html`<fieldset class="models">
    <legend>Models</legend>
    <ul data-models>
      ${settings.models.map(
        (model) =>
          html`<li>
            <span class="mono">${model}</span>
            <button type="button" data-remove-model=${model} ?disabled=${busy} @click=${() => on.onRemoveModel(model)}>
              Remove
            </button>
          </li>`,
      )}
    </ul>
    <div class="add-model">
      <label class="grow"
        >Model to add
        <input
          name="model"
          list="eval-models"
          .value=${draft}
          ?disabled=${busy}
          autocomplete="off"
          spellcheck="false"
          @input=${on.onDraft}
          @keydown=${(event: KeyboardEvent) => event.key === 'Enter' && on.onAddModel()}
        />
        <datalist id="eval-models">${catalogIds.map((id) => html`<option value=${id}></option>`)}</datalist>
      </label>
      <button type="button" data-action="add-model" ?disabled=${busy || !draft} @click=${on.onAddModel}>Add</button>
    </div>
  </fieldset>`;
}

function suiteView(state: SetupState, on: SetupHandlers) {
  const { settings, busy, userSuites } = state;
  const builtIn = !settings.suite.startsWith('user:');
  return html`<fieldset class="suite">
    <legend>Task suite</legend>
    <label
      >Suite
      <select name="suite" ?disabled=${busy}>
        <optgroup label="Built-in (generated from a seed)">
          ${BUILT_IN_SUITES.map(
            (name) => html`<option value=${name} ?selected=${settings.suite === name}>${SUITE_TITLES[name]}</option>`,
          )}
        </optgroup>
        ${
          userSuites.length > 0
            ? html`<optgroup label="Your suites (kept in this browser)">
                ${userSuites.map(
                  (name) =>
                    html`<option value=${`user:${name}`} ?selected=${settings.suite === `user:${name}`}>
                      ${name}
                    </option>`,
                )}
              </optgroup>`
            : nothing
        }
      </select>
    </label>
    ${
      builtIn
        ? html`<label
              >Language
              <select name="lang" ?disabled=${busy}>
                <option value="en" ?selected=${settings.suiteLang === 'en'}>English</option>
                <option value="zh" ?selected=${settings.suiteLang === 'zh'}>中文 (Chinese)</option>
              </select>
            </label>
            <label
              >Items
              <input
                name="count"
                type="number"
                min="1"
                max=${MAX_ITEM_COUNT}
                step="1"
                .value=${String(settings.count)}
                ?disabled=${busy}
            /></label>`
        : html`<button type="button" data-action="forget-suite" ?disabled=${busy} @click=${on.onForgetSuite}>
            Forget this suite
          </button>`
    }
    <label class="wide"
      >Your own suite (JSONL: one {"prompt", "answer", "match"} per line; it stays in this browser)
      <input
        type="file"
        name="suite-file"
        accept=".jsonl,.json,.txt,application/jsonl"
        ?disabled=${busy}
        @change=${on.onSuiteFile}
      />
    </label>
    ${
      state.suiteProblems.length > 0
        ? html`<div role="alert" class="wide">
            <ul class="errors" data-suite-errors>
              ${state.suiteProblems.map((problem) => html`<li>${problem}</li>`)}
            </ul>
          </div>`
        : nothing
    }
    ${
      state.suiteWarnings.length > 0
        ? html`<ul class="muted wide" data-suite-warnings>
            ${state.suiteWarnings.map((warning) => html`<li>${warning}</li>`)}
          </ul>`
        : nothing
    }
  </fieldset>`;
}

function progressView({ busy, progress }: SetupState) {
  if (!busy || !progress) return nothing;
  const load = progress.load?.fraction;
  return html`<p>${progress.message}${load !== undefined ? ` (${Math.round(load * 100)}%)` : ''}</p>
    <progress max="1" .value=${progress.fraction} aria-label="Evaluation progress"></progress>`;
}

export function setupView(state: SetupState, on: SetupHandlers): TemplateResult {
  const { settings, busy } = state;
  // The test double is offered only where it is already chosen (tests), never to visitors.
  const engines = ENGINE_IDS.filter((engine) => engine !== 'double' || settings.engine === 'double');
  return html`<section class="card" aria-labelledby="eval-setup-heading">
    <h2 id="eval-setup-heading">Evaluate models on a task</h2>
    <p class="muted">
      Each model answers every item once, greedily, within the output limit; each answer is checked by the item's rule.
      Accuracy comes with its 95% interval, beside speed and memory on this device.
    </p>
    <form @submit=${(event: Event) => event.preventDefault()} @change=${on.onChange}>
      <label
        >Engine
        <select name="engine" ?disabled=${busy}>
          ${engines.map(
            (engine) =>
              html`<option value=${engine} ?selected=${settings.engine === engine}>${engineLabel(engine)}</option>`,
          )}
        </select>
      </label>
      ${
        settings.engine === 'transformers'
          ? html`<label
              >Compute on
              <select name="device" ?disabled=${busy}>
                <option value="webgpu" ?selected=${settings.device === 'webgpu'}>WebGPU</option>
                <option value="wasm" ?selected=${settings.device === 'wasm'}>WebAssembly (CPU)</option>
              </select>
            </label>`
          : nothing
      }
      <label
        >Output limit (tokens per answer)
        <input
          name="max-tokens"
          type="number"
          min="1"
          max=${MAX_OUTPUT_TOKENS}
          step="1"
          .value=${String(settings.maxTokens)}
          ?disabled=${busy}
      /></label>
      <label class="wide"
        ><input type="checkbox" name="check-correctness" .checked=${settings.checkCorrectness} ?disabled=${busy} /> Also
        check correctness: each model's next-token choices here against the CPU's</label
      >
      ${modelsView(state, on)} ${suiteView(state, on)}
    </form>
    <div class="actions">
      <button type="button" class="primary" data-action="run" ?disabled=${busy} @click=${on.onRun}>Evaluate</button>
      ${busy ? html`<button type="button" data-action="cancel" @click=${on.onCancel}>Cancel</button>` : nothing}
      <span class="bad" role="alert">${state.formError}</span>
    </div>
    <div role="status" aria-live="polite" class="progress">${progressView(state)}</div>
  </section>`;
}
