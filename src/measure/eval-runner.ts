/**
 * Runs a task suite against one model through an engine worker (the same client calls the chat
 * uses): load, then every item with greedy decoding and a fixed output limit, each reply scored
 * by its item's match rule (src/core/eval/match.ts) and timed. Cancel through an AbortSignal:
 * the run stops after the item in flight and returns what it has, marked incomplete.
 */
import type { EngineClient } from '../client/engine-client.js';
import { ERROR_NAMES, isAbortError } from '../core/errors.js';
import type { EvalItemResult, EvalRun } from '../core/eval-schema.js';
import { MAX_REPLY_CHARS } from '../core/eval-schema.js';
import type { EvalItem, EvalSuite } from '../core/eval/item.js';
import { scoreReply } from '../core/eval/match.js';
import type {
  ChatMessage,
  ComputeDevice,
  CustomModelSource,
  EngineId,
  LoadOptions,
  LoadProgress,
} from '../shared/engine-api.js';

/** The engine calls the runner makes: those of an `EngineClient`. */
export type EvalEngine = Pick<EngineClient, 'load' | 'generate' | 'unload' | 'interrupt' | 'cancelLoad'>;

export interface EvalSubject {
  engine: EngineId;
  model: string;
  device: ComputeDevice;
  custom?: CustomModelSource;
  /** The weights' quantization, for the record (e.g. "q4"). */
  quantization?: string;
}

export interface EvalProgress {
  /** What is happening, in words, e.g. "Item 3 of 60 (2 right so far)". */
  message: string;
  /** 0..1 over the suite's items. */
  fraction: number;
  answered: number;
  correct: number;
  /** While loading: the engine's own progress. */
  load?: LoadProgress;
  /** The item just scored. */
  item?: EvalItemResult;
}

export interface EvalRunOptions {
  /** The fixed output limit per item, in tokens. */
  maxTokens?: number;
  onProgress?: (progress: EvalProgress) => void;
  signal?: AbortSignal;
  /** The page clock, in ms. */
  now?: () => number;
}

/** Enough for a worked answer to a short problem; what the built-in suites are measured with. */
export const DEFAULT_MAX_TOKENS = 128;

function messages(item: EvalItem): ChatMessage[] {
  return [
    ...(item.system ? [{ role: 'system' as const, content: item.system }] : []),
    { role: 'user', content: item.prompt },
  ];
}

/** A prompt the model cannot read at all scores wrong, with the reason, instead of ending the run. */
function tooLong(item: EvalItem, error: unknown): EvalItemResult | undefined {
  if ((error as Error | undefined)?.name !== ERROR_NAMES.contextWindowExceeded) return undefined;
  return {
    id: item.id,
    correct: false,
    note: `not asked: ${(error as Error).message}`,
    reply: '',
    outputTokens: 0,
    finishReason: 'stop',
    ms: 0,
    ttftMs: 0,
    decodeTokensPerSecond: 0,
    peakGpuMemoryBytes: 0,
  };
}

/**
 * Evaluates one model on one suite. Resolves with the run (incomplete when cancelled); rejects
 * when the model cannot load or the engine fails. Unloads the model in every case.
 */
export async function evaluateModel(
  engine: EvalEngine,
  subject: EvalSubject,
  suite: EvalSuite,
  {
    maxTokens = DEFAULT_MAX_TOKENS,
    onProgress = () => undefined,
    signal,
    now = () => performance.now(),
  }: EvalRunOptions = {},
): Promise<EvalRun> {
  const total = suite.items.length;
  const items: EvalItemResult[] = [];
  let correct = 0;
  const report = (message: string, extra: Partial<EvalProgress> = {}) =>
    onProgress({
      message,
      fraction: total === 0 ? 1 : items.length / total,
      answered: items.length,
      correct,
      ...extra,
    });
  const onAbort = () => {
    void engine.cancelLoad().catch(() => undefined);
    void engine.interrupt().catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const options: LoadOptions = { device: subject.device, ...(subject.custom ? { custom: subject.custom } : {}) };
  const run: EvalRun = {
    engine: subject.engine,
    model: subject.model,
    computeDevice: subject.device,
    ...(subject.quantization ? { quantization: subject.quantization } : {}),
    complete: false,
    items,
  };
  try {
    signal?.throwIfAborted();
    report(`Loading ${subject.model}`);
    const loaded = await engine.load(
      subject.engine,
      subject.model,
      (load) => report(`Loading ${subject.model}`, { load }),
      options,
    );
    signal?.throwIfAborted();
    run.loadMs = loaded.durationMs;
    const modelBytes = loaded.weightBytes ?? loaded.downloadedBytes;
    if (modelBytes !== undefined) run.modelBytes = modelBytes;
    if (loaded.downloadedBytes !== undefined) run.downloadedBytes = loaded.downloadedBytes;

    for (const [index, item] of suite.items.entries()) {
      if (signal?.aborted) break;
      report(`Item ${index + 1} of ${total} (${correct} right so far)`);
      let reply = '';
      const started = now();
      let result: EvalItemResult;
      try {
        const stats = await engine.generate({ messages: messages(item), maxTokens, temperature: 0 }, (batch) => {
          reply += batch.text;
        });
        if (stats.finishReason === 'aborted' && signal?.aborted) break;
        const outcome = scoreReply(item, reply);
        result = {
          id: item.id,
          correct: outcome.correct,
          ...(outcome.extracted === undefined ? {} : { extracted: outcome.extracted.slice(0, MAX_REPLY_CHARS) }),
          ...(outcome.note === undefined ? {} : { note: outcome.note.slice(0, MAX_REPLY_CHARS) }),
          reply: reply.slice(0, MAX_REPLY_CHARS),
          outputTokens: stats.outputTokens,
          finishReason: stats.finishReason,
          ms: now() - started,
          ttftMs: stats.ttftMs,
          decodeTokensPerSecond: stats.decodeTokensPerSecond,
          ...(stats.gpuMemoryPeakBytes === undefined ? {} : { peakGpuMemoryBytes: stats.gpuMemoryPeakBytes }),
        };
      } catch (error) {
        const skipped = tooLong(item, error);
        if (!skipped) throw error;
        result = skipped;
      }
      items.push(result);
      if (result.correct) correct += 1;
      report(`Item ${index + 1} of ${total} (${correct} right so far)`, { item: result });
    }
    run.complete = items.length === total;
    report(run.complete ? 'Done' : `Cancelled after ${items.length} of ${total} items`);
    return run;
  } catch (error) {
    // Cancelled while loading: nothing was answered, which the run says.
    if (signal?.aborted && items.length === 0 && isAbortError(error)) {
      report(`Cancelled after 0 of ${total} items`);
      return run;
    }
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await engine.unload().catch(() => undefined);
  }
}
