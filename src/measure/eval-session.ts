/**
 * Evaluates several models on one suite, one after the other, through one engine worker: each
 * model's run (src/measure/eval-runner.ts), then, when asked, its correctness check against the
 * CPU (src/measure/bench-correctness.ts). A model that fails is noted and the next one goes on in
 * a fresh worker; Cancel stops after what is in flight and keeps what was answered.
 */
import type { EngineClient } from '../client/engine-client.js';
import type { CorrectnessRecord } from '../core/correctness-record.js';
import type { EvalRun } from '../core/eval-schema.js';
import type { EvalSuite } from '../core/eval/item.js';
import { runLabel } from '../core/eval/shown.js';
import { describeError } from '../core/error-messages.js';
import { serializeError } from '../core/errors.js';
import { benchCorrectness } from './bench-correctness.js';
import { evaluateModel, type EvalProgress, type EvalSubject } from './eval-runner.js';

/** The engine calls a session makes: those of an `EngineClient` (restart: a fresh worker after a failure). */
export type SessionEngine = Pick<
  EngineClient,
  'load' | 'generate' | 'unload' | 'interrupt' | 'cancelLoad' | 'forcedChoices' | 'restart'
>;

export interface EvalSessionProgress extends EvalProgress {
  /** 0..1 over every model of the session. */
  fraction: number;
  /** The model being evaluated, from 1. */
  model: number;
  models: number;
}

export interface EvalSessionOptions {
  maxTokens: number;
  /** Also run the correctness check of each model (this device against the CPU). */
  checkCorrectness: boolean;
  /** Names the GPU in the correctness verdict. */
  deviceName: string;
  signal?: AbortSignal;
  onProgress?: (progress: EvalSessionProgress) => void;
  /** Called as each model starts; the function it returns is called when the model is done, however. */
  onModelStart?: (subject: EvalSubject) => () => void;
}

export interface EvalSessionOutcome {
  /** Runs with at least one answered item, in the order asked. */
  runs: EvalRun[];
  notes: string[];
  /** The models that failed, with what was thrown. */
  failures: { subject: EvalSubject; error: unknown }[];
}

function correctnessRecord(check: CorrectnessRecord): CorrectnessRecord {
  const { reference, positions, agreeing, maxLogprobDelta, firstDisagreement, message } = check;
  return {
    reference,
    positions,
    agreeing,
    maxLogprobDelta,
    ...(firstDisagreement === undefined ? {} : { firstDisagreement }),
    message,
  };
}

/** Evaluates `subjects` on `suite` in turn. Never rejects for a model's failure; the outcome lists it. */
export async function evaluateModels(
  engine: SessionEngine,
  subjects: readonly EvalSubject[],
  suite: EvalSuite,
  { maxTokens, checkCorrectness, deviceName, signal, onProgress, onModelStart }: EvalSessionOptions,
): Promise<EvalSessionOutcome> {
  const outcome: EvalSessionOutcome = { runs: [], notes: [], failures: [] };
  const models = subjects.length;
  for (const [index, subject] of subjects.entries()) {
    if (signal?.aborted) break;
    const label = runLabel({ engine: subject.engine, model: subject.model, computeDevice: subject.device });
    const prefix = models > 1 ? `Model ${index + 1} of ${models}, ${label}: ` : '';
    // `share`: how far this model is, 0..1; the correctness check, when asked for, is its last tenth.
    const report = (progress: EvalProgress, share: number) =>
      onProgress?.({
        ...progress,
        message: `${prefix}${progress.message}`,
        fraction: (index + share) / models,
        model: index + 1,
        models,
      });
    const scale = checkCorrectness ? 0.9 : 1;
    const done = onModelStart?.(subject);
    try {
      const run = await evaluateModel(engine, subject, suite, {
        maxTokens,
        onProgress: (progress) => report(progress, progress.fraction * scale),
        signal,
      });
      if (run.items.length === 0) continue;
      outcome.runs.push(run);
      if (!checkCorrectness || signal?.aborted) continue;
      const counts = { answered: run.items.length, correct: run.items.filter((item) => item.correct).length };
      report(
        { message: 'Checking correctness: the same 256 tokens on this device and on the CPU', fraction: 1, ...counts },
        scale,
      );
      const check = await benchCorrectness(engine, subject, deviceName, signal);
      if (check.checked) run.correctness = correctnessRecord(check);
      else outcome.notes.push(`${label}: ${check.message}`);
      report({ message: check.checked ? 'Checked' : 'Not checked', fraction: 1, ...counts }, 1);
    } catch (error) {
      // Cancelled: whatever the engine threw on the way out is the cancel's doing, not a failure.
      if (signal?.aborted) break;
      const friendly = describeError(serializeError(error));
      outcome.failures.push({ subject, error });
      outcome.notes.push(`${label} failed: ${friendly.title}. ${friendly.message}`);
      // Whatever state the failure left the worker in, the next model starts in a fresh one.
      engine.restart();
    } finally {
      done?.();
    }
  }
  return outcome;
}
