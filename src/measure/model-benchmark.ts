/**
 * Carries out the model benchmark protocol (src/core/bench-protocol.ts) against an engine
 * worker: cold and warm load, prompt calibration, then warm-up and measured runs at each
 * prompt length. Works through the same client calls the chat uses, so the figures are the
 * ones a visitor sees.
 */
import {
  benchPrompt,
  calibrate,
  promptLengthsFor,
  wordsForTokens,
  type BenchProtocol,
  type PromptCalibration,
} from '../core/bench-protocol.js';
import type { EngineClient } from '../client/engine-client.js';
import { edgeError, ERROR_NAMES } from '../core/errors.js';
import type { BenchRun } from '../core/bench-schema.js';
import type { ComputeDevice, CustomModelSource, EngineId, LoadOptions, LoadProgress } from '../shared/engine-api.js';

/** The engine calls the benchmark makes: those of an `EngineClient` (memory where it has it). */
export type BenchEngine = Pick<EngineClient, 'load' | 'generate' | 'unload' | 'interrupt' | 'cancelLoad'> &
  Partial<Pick<EngineClient, 'memory'>>;

export interface BenchSubject {
  engine: EngineId;
  model: string;
  device: ComputeDevice;
  /** CPU threads for engines that run them (llama.cpp); undefined for the engine's default. */
  threads?: number;
  custom?: CustomModelSource;
  /**
   * "synthetic": random weights of the model's real shapes, made in the worker from the file's
   * header alone and never stored (speed only, no quality). Engines that cannot refuse the load.
   */
  weights?: LoadOptions['weights'];
}

export interface BenchProgress {
  /** What is happening, in words, e.g. "Run 2 of 3 at 512 prompt tokens". */
  message: string;
  /** 0..1 over the whole model benchmark. */
  fraction: number;
  /** While loading: the engine's own progress. */
  load?: LoadProgress;
}

export interface ModelBenchmark {
  runs: BenchRun[];
  notes: string[];
}

/** Calibration fillers: short enough to fit any context, far enough apart to fit a line. */
const CALIBRATION_WORDS = [16, 48] as const;
/** A prompt further than this from its target gets its filler corrected. */
const PROMPT_TOLERANCE = 0.02;
/** Prompt-only passes per length to bring the prompt within tolerance. */
const MAX_PROMPT_FITS = 4;

function abortError(): DOMException {
  return new DOMException('The benchmark was cancelled.', ERROR_NAMES.abort);
}

export async function benchmarkModel(
  engine: BenchEngine,
  subject: BenchSubject,
  protocol: BenchProtocol,
  {
    onProgress = () => undefined,
    signal,
  }: { onProgress?: (progress: BenchProgress) => void; signal?: AbortSignal } = {},
): Promise<ModelBenchmark> {
  const notes: string[] = [];
  const perLength = protocol.warmupRuns + protocol.runs;
  // Loads and calibration count as one step each next to the runs, for a bar that moves evenly.
  const totalSteps = 3 + protocol.promptLengths.length * perLength;
  let step = 0;
  const advance = (message: string, load?: LoadProgress) =>
    onProgress({ message, fraction: Math.min(1, step / totalSteps), ...(load ? { load } : {}) });
  const check = () => {
    if (signal?.aborted) throw abortError();
  };
  const onAbort = () => {
    void engine.cancelLoad().catch(() => undefined);
    void engine.interrupt().catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const options: LoadOptions = {
    device: subject.device,
    ...(subject.threads === undefined ? {} : { threads: subject.threads }),
    ...(subject.custom ? { custom: subject.custom } : {}),
    ...(subject.weights ? { weights: subject.weights } : {}),
  };
  const load = (label: string) =>
    engine.load(subject.engine, subject.model, (progress) => advance(label, progress), options);
  const generate = async (content: string, maxTokens: number, ignoreEos: boolean) => {
    const stats = await engine.generate(
      { messages: [{ role: 'user', content }], maxTokens, temperature: 0, ignoreEos },
      () => undefined,
    );
    check();
    if (stats.finishReason === 'aborted') throw abortError();
    return stats;
  };

  try {
    check();
    advance('Cold load (download and compile)');
    const first = await load('Cold load (download and compile)');
    check();
    step += 1;
    if (first.fromCache) {
      notes.push(
        `${subject.model} was already in the browser's cache, so no cold load was measured; delete it from the cache for one.`,
      );
    }
    advance('Warm load (from the cache)');
    await engine.unload();
    const second = await load('Warm load (from the cache)');
    check();
    step += 1;
    if (subject.weights === 'synthetic') {
      notes.push(
        `${subject.model}: synthetic weights are made afresh at every load and never stored, so no warm load is measured.`,
      );
    } else if (!second.fromCache) {
      const refused = first.notStored ?? second.notStored;
      notes.push(
        `${subject.engine} did not read ${subject.model} from its cache on reload; no warm load was measured` +
          (refused ? ` (the browser refused to store it: ${refused.message}).` : '.'),
      );
    }

    const contextWindow = second.contextWindow ?? first.contextWindow;
    const lengths = promptLengthsFor(protocol.promptLengths, contextWindow, protocol.decodeTokens);
    if (lengths.length === 0) {
      throw edgeError(
        ERROR_NAMES.contextWindowExceeded,
        `The model reads at most ${contextWindow} tokens: too few for ${protocol.decodeTokens} output tokens. Lower the decode tokens.`,
      );
    }
    const capped = lengths.filter((length) => !protocol.promptLengths.includes(length));
    if (capped.length > 0) {
      notes.push(
        `The ${contextWindow}-token context window caps the longest prompt at ${capped.join(', ')} tokens (with ${protocol.decodeTokens} output tokens).`,
      );
    }

    advance('Calibrating prompt lengths');
    const [few, many] = CALIBRATION_WORDS;
    const measured = [];
    for (const words of [few, many]) {
      measured.push({ words, tokens: (await generate(benchPrompt(words), 1, false)).promptTokens });
    }
    const calibration: PromptCalibration = calibrate(measured[0]!, measured[1]!);
    // Tokenizers and chat templates are not linear everywhere: a prompt-only pass (one output
    // token) corrects the filler until the prompt is within tolerance, so every measured run
    // of a length reads the same prompt.
    // Whole words move a byte-level tokenizer's count by several tokens, so the closest filler
    // seen is kept when none lands within tolerance.
    const fitPrompt = async (target: number): Promise<number> => {
      let words = wordsForTokens(target, calibration);
      let best = { words, miss: Infinity };
      for (let attempt = 0; attempt < MAX_PROMPT_FITS; attempt++) {
        const tokens = (await generate(benchPrompt(words), 1, false)).promptTokens;
        const miss = Math.abs(tokens - target);
        if (miss < best.miss) best = { words, miss };
        if (miss <= target * PROMPT_TOLERANCE) break;
        const change = Math.round((target - tokens) / calibration.perWord);
        words = Math.max(1, words + (change === 0 ? Math.sign(target - tokens) : change));
      }
      return best.words;
    };
    step += 1;

    const base = {
      engine: subject.engine,
      model: subject.model,
      // Where the engine really computed, when it says (llama.cpp); else the device asked for.
      computeDevice: (second.compute ?? first.compute)?.device ?? subject.device,
      ...((second.compute ?? first.compute)?.threads === undefined
        ? {}
        : { computeThreads: (second.compute ?? first.compute)!.threads }),
      ...((second.compute ?? first.compute)?.reason
        ? { computeReason: (second.compute ?? first.compute)!.reason }
        : {}),
      decodeTokens: protocol.decodeTokens,
      ...(first.fromCache ? {} : { coldLoadMs: first.durationMs }),
      ...(second.fromCache ? { warmLoadMs: second.durationMs } : {}),
      ...((second.weightBytes ?? first.weightBytes) ? { weightBytes: second.weightBytes ?? first.weightBytes } : {}),
      ...(second.kvBytesPerToken === undefined ? {} : { kvBytesPerToken: second.kvBytesPerToken }),
      ...(subject.weights === 'synthetic' ? { synthetic: true } : {}),
    };
    const runs: BenchRun[] = [];
    let shortReplies = 0;
    for (const target of lengths) {
      advance(`Fitting the prompt to ${target} tokens`);
      const words = await fitPrompt(target);
      const run: BenchRun = {
        ...base,
        promptTokens: 0,
        targetPromptTokens: target,
        outputTokens: [],
        ttftMs: [],
        prefillTokensPerSecond: [],
        decodeTokensPerSecond: [],
        peakGpuMemoryBytes: [],
      };
      for (let i = 0; i < perLength; i++) {
        const warmup = i < protocol.warmupRuns;
        const label = warmup
          ? `Warm-up ${i + 1} of ${protocol.warmupRuns} at ${target} prompt tokens`
          : `Run ${i - protocol.warmupRuns + 1} of ${protocol.runs} at ${target} prompt tokens`;
        advance(label);
        const stats = await generate(benchPrompt(words), protocol.decodeTokens, true);
        step += 1;
        if (warmup) continue;
        run.promptTokens = stats.promptTokens;
        run.outputTokens!.push(stats.outputTokens);
        run.ttftMs.push(stats.ttftMs);
        run.prefillTokensPerSecond.push(stats.prefillTokensPerSecond);
        run.decodeTokensPerSecond.push(stats.decodeTokensPerSecond);
        // An engine whose GPU memory the tracker cannot see adds no sample (never a false 0).
        if (stats.gpuMemoryPeakBytes !== undefined) run.peakGpuMemoryBytes.push(stats.gpuMemoryPeakBytes);
        if (stats.outputTokens < protocol.decodeTokens) shortReplies += 1;
      }
      // Memory the GPU tracker cannot see (llama.cpp's WebAssembly heap), with the model loaded.
      const ram = (await engine.memory?.())?.engineRamBytes;
      if (ram !== undefined) run.engineRamBytes = ram;
      runs.push(run);
    }
    if (shortReplies > 0) {
      notes.push(
        `${shortReplies} run(s) ended before ${protocol.decodeTokens} output tokens (the engine stopped at end-of-sequence); each run's count is in outputTokens.`,
      );
    }
    step = totalSteps;
    advance('Done');
    return { runs, notes };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await engine.unload().catch(() => undefined);
  }
}
