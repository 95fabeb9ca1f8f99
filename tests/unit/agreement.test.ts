/** Teacher-forced agreement: logits to choices, two runs compared, the verdict, and the check against an engine double. */
import { describe, expect, it } from 'vitest';
import {
  agreementPercent,
  agreementVerdict,
  compareForced,
  FORCED_TEXT,
  FORCED_TOKENS,
  forcedChoicesFromLogits,
} from '../../src/core/agreement.js';
import { checkCorrectness, type CorrectnessEngine } from '../../src/measure/correctness.js';
import type { ForcedChoices, ForcedInput, LoadOptions, LoadReport } from '../../src/shared/engine-api.js';

describe('forcedChoicesFromLogits', () => {
  it('takes the argmax and log-softmax of each row, and the next token’s log-probability', () => {
    // Two positions over a vocabulary of 3: row 0 prefers token 2, row 1 token 0.
    const logits = Float32Array.from([0, 1, 2, 3, 1, 1]);
    const choices = forcedChoicesFromLogits([2, 1], logits, 3);
    const lse0 = Math.log(Math.exp(0) + Math.exp(1) + Math.exp(2));
    const lse1 = Math.log(Math.exp(3) + 2 * Math.exp(1));
    expect(choices.top1).toEqual([2, 0]);
    expect(choices.top1Logprobs[0]).toBeCloseTo(2 - lse0, 12);
    expect(choices.top1Logprobs[1]).toBeCloseTo(3 - lse1, 12);
    // Token 1 follows token 2: its log-probability at position 0.
    expect(choices.targetLogprobs).toEqual([expect.closeTo(1 - lse0, 12)]);
  });

  it('breaks ties toward the lowest id and refuses short logits', () => {
    expect(forcedChoicesFromLogits([0], Float32Array.from([1, 1]), 2).top1).toEqual([0]);
    expect(() => forcedChoicesFromLogits([0, 1], Float32Array.from([1, 1]), 2)).toThrow(/Expected 2 × 2 logits/);
  });
});

function run(top1: number[], shift = 0): ForcedChoices {
  return {
    tokenIds: top1.map((_, i) => i),
    top1,
    top1Logprobs: top1.map(() => -0.5 + shift),
    targetLogprobs: top1.slice(1).map((_, i) => -1 - (i === 3 ? shift * 4 : 0)),
  };
}

describe('compareForced', () => {
  it('counts agreeing positions and finds the largest log-probability difference', () => {
    const a = run([1, 2, 3, 4, 5, 6, 7, 8]);
    const b = run([1, 2, 9, 4, 5, 6, 7, 9], 0.1);
    expect(compareForced(a, b)).toEqual({
      positions: 8,
      agreeing: 6,
      agreement: 0.75,
      maxLogprobDelta: expect.closeTo(0.4, 12),
      firstDisagreement: 2,
    });
    expect(compareForced(a, a)).toEqual({
      positions: 8,
      agreeing: 8,
      agreement: 1,
      maxLogprobDelta: 0,
      firstDisagreement: undefined,
    });
  });

  it('refuses runs over different sequences', () => {
    const b = { ...run([1, 2]), tokenIds: [0, 7] };
    expect(() => compareForced(run([1, 2]), b)).toThrow(/did not read the same token sequence/);
  });
});

describe('agreementVerdict', () => {
  const subject = {
    device: 'google swiftshader (fallback)',
    engine: 'transformers.js on WebGPU',
    quantization: 'q4f16',
    reference: 'the CPU',
  };
  it('below 99% names the device, the engine and the quantization', () => {
    const verdict = agreementVerdict(compareForced(run([1, 2, 3, 4]), run([1, 2, 3, 9])), subject);
    expect(verdict).toEqual({
      ok: false,
      message:
        'This device computes this model differently from the CPU (google swiftshader (fallback), transformers.js on WebGPU, q4f16): ' +
        'the next token agreed with the CPU at 75% of 4 positions; the largest log-probability difference was 0.0, below 99%. ' +
        'Its answers may be wrong here: try another quantization or engine.',
    });
  });
  it('at 99% or more says the device computes like the reference', () => {
    expect(agreementVerdict(compareForced(run([1, 2]), run([1, 2])), subject)).toEqual({
      ok: true,
      message:
        'This device computes this model like the CPU: the next token agreed with the CPU at 100% of 2 positions; the largest log-probability difference was 0.0.',
    });
  });
  it('never rounds a share up to 100%', () => {
    expect(agreementPercent(2559, 2560)).toBe('99.9%');
    expect(agreementPercent(255, 256)).toBe('99.6%');
    expect(agreementPercent(256, 256)).toBe('100%');
  });
});

/**
 * A test double behind the check's engine interface: "reads" text as char codes and predicts
 * the next id from a rule that differs on the CPU at the positions given.
 */
class ForcedEngineDouble implements CorrectnessEngine {
  calls: string[] = [];
  device: string | undefined;
  constructor(private readonly cpuDiffersAt: number[]) {}
  async load(_engine: string, _model: string, _progress: unknown, options?: LoadOptions): Promise<LoadReport> {
    this.device = options?.device;
    this.calls.push(`load:${options?.device}`);
    return {
      modelId: 'm',
      engine: 'double',
      fromCache: true,
      durationMs: 1,
      downloadedBytes: 0,
      weightBytes: 1,
      contextWindow: 512,
    };
  }
  async forcedChoices(input: ForcedInput): Promise<ForcedChoices> {
    this.calls.push('tokenIds' in input ? 'forced:ids' : 'forced:text');
    const ids =
      'tokenIds' in input ? input.tokenIds : [...input.text].map((c) => c.charCodeAt(0)).slice(0, input.maxTokens);
    const top1 = ids.map((id, i) => (this.device === 'wasm' && this.cpuDiffersAt.includes(i) ? id + 1 : id));
    return { tokenIds: ids, top1, top1Logprobs: ids.map(() => -0.1), targetLogprobs: ids.slice(1).map(() => -2) };
  }
  async unload() {
    this.calls.push('unload');
  }
}

describe('checkCorrectness', () => {
  const subject = { engine: 'double', model: 'm', quantization: 'q4' } as const;
  it('reads the fixed text on WebGPU, the same ids on the CPU, and compares', async () => {
    const engine = new ForcedEngineDouble([]);
    const result = await checkCorrectness(engine, subject, 'test GPU');
    expect(engine.calls).toEqual(['load:webgpu', 'forced:text', 'load:wasm', 'forced:ids', 'unload']);
    expect(FORCED_TEXT.length).toBeGreaterThan(FORCED_TOKENS);
    expect(result.comparison).toMatchObject({ positions: FORCED_TOKENS, agreeing: FORCED_TOKENS });
    expect(result.ok).toBe(true);
    expect(result.record).toMatchObject({ reference: 'wasm', positions: 256, agreeing: 256, maxLogprobDelta: 0 });
  });
  it('reports a device that computes differently, by name', async () => {
    const result = await checkCorrectness(new ForcedEngineDouble([3, 50, 100]), subject, 'test GPU');
    expect(result.ok).toBe(false);
    expect(result.record.firstDisagreement).toBe(3);
    expect(result.record.message).toMatch(
      /^This device computes this model differently from the CPU \(test GPU, Engine double on WebGPU, q4\): the next token agreed with the CPU at 98\.8% of 256 positions/,
    );
  });
});
