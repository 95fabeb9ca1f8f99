/** Several models on one suite: in turn, each checked when asked, failures noted, Cancel kept. */
import { describe, expect, it } from 'vitest';
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import { suiteRecord } from '../../src/core/eval-schema.js';
import { suiteFingerprint, type EvalSuite } from '../../src/core/eval/item.js';
import { evaluateModels, type EvalSessionProgress, type SessionEngine } from '../../src/measure/eval-session.js';
import type {
  ForcedChoices,
  ForcedInput,
  GenerateRequest,
  GenerationStats,
  LoadOptions,
  LoadReport,
  TokenBatch,
} from '../../src/shared/engine-api.js';

const suite: EvalSuite = {
  name: 'mine.jsonl',
  kind: 'user',
  items: [
    { id: 'one', prompt: 'echo:1', answer: '1', match: 'number' },
    { id: 'two', prompt: 'echo:2', answer: '2', match: 'number' },
  ],
};

/**
 * A test double behind the session's engine interface: each model replies with a fixed text;
 * "broken" fails to load; "webllm" models cannot be teacher-forced; every call is recorded.
 */
class SessionEngineDouble implements SessionEngine {
  calls: string[] = [];
  private model = '';
  private device = '';
  constructor(
    private readonly replies: Record<string, string>,
    private readonly onGenerate?: () => void,
  ) {}
  async load(engine: string, model: string, _progress: unknown, options?: LoadOptions): Promise<LoadReport> {
    this.calls.push(`load ${model} ${options?.device}`);
    if (model === 'broken') throw edgeError(ERROR_NAMES.modelFileMissing, 'config.json is missing');
    this.model = model;
    this.device = options?.device ?? '';
    return {
      modelId: model,
      engine: engine === 'webllm' ? 'webllm' : 'double',
      fromCache: true,
      durationMs: 10,
      downloadedBytes: 0,
      weightBytes: 1_000,
      contextWindow: 512,
    };
  }
  async generate(_request: GenerateRequest, onTokens: (batch: TokenBatch) => void): Promise<GenerationStats> {
    this.calls.push(`generate ${this.model}`);
    this.onGenerate?.();
    onTokens({ text: this.replies[this.model] ?? '', tokens: 2, totalTokens: 2, elapsedMs: 1, firstTokenMs: 1 });
    const figures = { ttftMs: 5, prefillTokensPerSecond: 100, decodeTokensPerSecond: 50 };
    return {
      ...figures,
      promptTokens: 4,
      outputTokens: 2,
      finishReason: 'stop',
      totalMs: 20,
      engine: figures,
      wallClock: figures,
      disagreements: [],
      gpuMemoryPeakBytes: 2_000,
      batches: 1,
    };
  }
  async forcedChoices(input: ForcedInput): Promise<ForcedChoices> {
    this.calls.push(`forced ${this.device}`);
    if (this.model.startsWith('web')) {
      throw edgeError(ERROR_NAMES.forcedChoicesUnsupported, 'The webllm engine cannot read a fixed sequence.');
    }
    const ids = 'tokenIds' in input ? input.tokenIds : [1, 2, 3, 4];
    return { tokenIds: ids, top1: ids, top1Logprobs: ids.map(() => -0.1), targetLogprobs: ids.slice(1).map(() => -1) };
  }
  async unload() {
    this.calls.push('unload');
  }
  async interrupt() {
    this.calls.push('interrupt');
  }
  async cancelLoad() {
    this.calls.push('cancelLoad');
  }
  restart() {
    this.calls.push('restart');
  }
}

const subject = (engine: 'double' | 'webllm', model: string) => ({ engine, model, device: 'webgpu' as const });

describe('evaluateModels', () => {
  it('evaluates each model in turn, checks each when asked, and notes what could not be checked', async () => {
    const engine = new SessionEngineDouble({ right: '1', wrong: '7', 'web-model': '2' });
    const progress: EvalSessionProgress[] = [];
    const markers: string[] = [];
    const outcome = await evaluateModels(
      engine,
      [subject('double', 'right'), subject('double', 'wrong'), subject('webllm', 'web-model')],
      suite,
      {
        maxTokens: 8,
        checkCorrectness: true,
        deviceName: 'test GPU',
        onProgress: (step) => progress.push(step),
        onModelStart: (s) => {
          markers.push(`start ${s.model}`);
          return () => markers.push(`end ${s.model}`);
        },
      },
    );
    expect(outcome.runs.map((run) => [run.model, run.items.filter((item) => item.correct).length])).toEqual([
      ['right', 1],
      ['wrong', 0],
      ['web-model', 1],
    ]);
    expect(outcome.runs[0]!.correctness).toEqual({
      reference: 'wasm',
      positions: 4,
      agreeing: 4,
      maxLogprobDelta: 0,
      message: expect.stringMatching(/^This device computes this model like the CPU/),
    });
    expect(outcome.runs[2]!.correctness).toBeUndefined();
    expect(outcome.notes).toEqual([
      'web-model · web-llm: Not checked: this engine cannot be teacher-forced (it has no pass over a fixed sequence).',
    ]);
    expect(outcome.failures).toEqual([]);
    expect(markers).toEqual([
      'start right',
      'end right',
      'start wrong',
      'end wrong',
      'start web-model',
      'end web-model',
    ]);
    // Progress runs over all three models, in order, and says which model it is at.
    expect(progress.at(-1)!.fraction).toBe(1);
    expect(progress.every((step, i) => i === 0 || step.fraction >= progress[i - 1]!.fraction)).toBe(true);
    expect(progress.some((step) => step.message.startsWith('Model 2 of 3, wrong · Engine double: Item 1 of 2'))).toBe(
      true,
    );
  });

  it('notes a model that fails and goes on with the next in a fresh worker', async () => {
    const engine = new SessionEngineDouble({ right: '1' });
    const outcome = await evaluateModels(engine, [subject('double', 'broken'), subject('double', 'right')], suite, {
      maxTokens: 8,
      checkCorrectness: false,
      deviceName: 'test GPU',
    });
    expect(outcome.runs.map((run) => run.model)).toEqual(['right']);
    expect(outcome.failures.map((failure) => failure.subject.model)).toEqual(['broken']);
    expect(outcome.notes).toEqual([
      expect.stringMatching(/^broken · Engine double failed: The model folder is incomplete\. /),
    ]);
    expect(engine.calls.slice(0, 3)).toEqual(['load broken webgpu', 'unload', 'restart']);
  });

  it('stops on Cancel, keeping the answered items and leaving the other models alone', async () => {
    const controller = new AbortController();
    const engine = new SessionEngineDouble({ right: '1' }, () => controller.abort());
    const outcome = await evaluateModels(engine, [subject('double', 'right'), subject('double', 'right')], suite, {
      maxTokens: 8,
      checkCorrectness: true,
      deviceName: 'test GPU',
      signal: controller.signal,
    });
    expect(outcome.runs).toHaveLength(1);
    expect(outcome.runs[0]).toMatchObject({ complete: false, items: [{ id: 'one', correct: true }] });
    expect(outcome.runs[0]!.correctness).toBeUndefined();
    expect(engine.calls.filter((call) => call.startsWith('load'))).toEqual(['load right webgpu']);
  });
});

describe('suiteRecord', () => {
  it('records a suite with its items’ fingerprint', () => {
    expect(suiteRecord(suite)).toEqual({
      name: 'mine.jsonl',
      kind: 'user',
      items: 2,
      fingerprint: suiteFingerprint(suite.items),
    });
  });
});
