/**
 * Runs an evaluation for the `<edge-llm-eval>` element: checks the settings, starts a worker of
 * its own, evaluates the chosen models in turn (src/measure/eval-session.ts) and ends the
 * worker. Cancel stops after what is in flight and keeps the answered items; a crash marker per
 * model (when asked for) lets the next visit say an evaluation never finished.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { createEngineClient } from '../../client/shared-client.js';
import { deviceLabel } from '../../core/bench-export.js';
import type { FriendlyError } from '../../core/error-messages.js';
import { edgeError, ERROR_NAMES, isAbortError } from '../../core/errors.js';
import { createEvalResult, suiteRecord, validateEvalResult, type EvalResult } from '../../core/eval-schema.js';
import type { EvalSuite } from '../../core/eval/item.js';
import { modelQuantization } from '../../core/quantization.js';
import { EdgeLlmEvalDoneEvent, EdgeLlmEvalProgressEvent } from '../../events.js';
import { evaluateModels, type EvalSessionProgress } from '../../measure/eval-session.js';
import { benchDevice } from '../../measure/fingerprint.js';
import { recordIntent } from '../../persistence/crash-markers.js';
import type { ComputeDevice, CustomModelSource, EngineId } from '../../shared/engine-api.js';
import { reportError } from '../report-error.js';

/** Most output tokens per item the form accepts. */
export const MAX_OUTPUT_TOKENS = 4096;

/** The element's settings a run reads. */
export interface EvalRunSettings {
  engine: EngineId;
  device: ComputeDevice;
  customModels: CustomModelSource | undefined;
  maxTokens: number;
  checkCorrectness: boolean;
  crashMarkers: boolean;
}

function abortError(): DOMException {
  return new DOMException('The evaluation was cancelled.', ERROR_NAMES.abort);
}

export class EvalRunController implements ReactiveController {
  busy = false;
  progress: EvalSessionProgress | undefined;
  error: FriendlyError | undefined;
  /** What is wrong with the settings, in words, when a run was refused. */
  formError = '';

  private controller: AbortController | undefined;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement & EvalRunSettings) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.controller?.abort();
  }

  cancel(): void {
    this.controller?.abort();
  }

  /** Forgets an error the visitor is acting on. */
  clearError(): void {
    this.update({ error: undefined });
  }

  /** Refuses a run before it starts, saying why. */
  refuse(message: string): never {
    this.update({ formError: message });
    throw new RangeError(message);
  }

  /**
   * Evaluates `models` on `suite`. Resolves with the result (the models that answered, a
   * cancelled one with what it answered); rejects when the settings are wrong, when cancelled
   * before any answer, or when every model failed.
   */
  async run(suite: EvalSuite, models: readonly string[]): Promise<EvalResult> {
    if (this.busy) throw new Error('An evaluation is already running.');
    const host = this.host;
    const { maxTokens } = host;
    if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > MAX_OUTPUT_TOKENS) {
      this.refuse(`Check the settings: the output limit must be a whole number from 1 to ${MAX_OUTPUT_TOKENS}.`);
    }
    if (models.length === 0) this.refuse('Add at least one model to evaluate.');
    const controller = new AbortController();
    this.controller = controller;
    this.update({ busy: true, formError: '', error: undefined, progress: undefined });
    const client = createEngineClient();
    const report = (progress: EvalSessionProgress) => {
      this.update({ progress });
      host.dispatchEvent(new EdgeLlmEvalProgressEvent(progress));
    };
    try {
      report({
        message: 'Reading the GPU adapter',
        fraction: 0,
        answered: 0,
        correct: 0,
        model: 1,
        models: models.length,
      });
      const probed = await client.probeDevice();
      if (host.device === 'webgpu' && probed.webgpu !== 'available') {
        throw edgeError(
          probed.webgpu === 'no-adapter' ? ERROR_NAMES.noAdapter : ERROR_NAMES.webgpuNotAvailable,
          `WebGPU is not available here (${probed.webgpu}).`,
        );
      }
      const device = benchDevice(probed);
      const subjects = models.map((model) => {
        const quantization = modelQuantization(host.engine, model);
        return {
          engine: host.engine,
          model,
          device: host.device,
          ...(host.customModels ? { custom: host.customModels } : {}),
          ...(quantization ? { quantization } : {}),
        };
      });
      const outcome = await evaluateModels(client, subjects, suite, {
        maxTokens,
        checkCorrectness: host.checkCorrectness,
        deviceName: deviceLabel({ device }),
        signal: controller.signal,
        onProgress: report,
        onModelStart: host.crashMarkers
          ? (subject) => {
              // Written before the model loads, removed however it ends, unless the tab dies first.
              const intent = recordIntent({ kind: 'eval', ...subject });
              return () => intent.clear();
            }
          : undefined,
      });
      const failure = outcome.failures[0];
      if (outcome.runs.length === 0) throw failure ? failure.error : abortError();
      if (failure) this.update({ error: reportError(host, failure.error) });
      const created = createEvalResult({
        device,
        suite: suiteRecord(suite),
        settings: { maxTokens, temperature: 0 },
        runs: outcome.runs,
        notes: outcome.notes,
      });
      // What is kept and exported is what the validator makes of it: always readable back.
      const checked = validateEvalResult(JSON.parse(JSON.stringify(created)));
      if (!checked.ok) throw new Error(`The result failed its own schema: ${checked.error}`);
      host.dispatchEvent(new EdgeLlmEvalDoneEvent(checked.value));
      return checked.value;
    } catch (error) {
      if (!isAbortError(error)) this.update({ error: reportError(host, error) });
      throw error;
    } finally {
      this.controller = undefined;
      // The evaluation's worker holds nothing worth keeping: free its memory for the page.
      client.dispose();
      this.update({ busy: false, progress: undefined });
    }
  }

  private update(changes: Partial<Pick<EvalRunController, 'busy' | 'progress' | 'error' | 'formError'>>): void {
    Object.assign(this, changes);
    this.host.requestUpdate();
  }
}
