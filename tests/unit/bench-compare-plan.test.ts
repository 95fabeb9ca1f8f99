/**
 * The shoot-out plan for a twin (scripts/bench-compare.mjs): every engine, device and precision
 * listed, the ones that cannot run here marked with the reason before anything loads.
 */
import { describe, expect, it } from 'vitest';
import { twinPlan } from '../../scripts/bench-compare.mjs';

describe('twinPlan', () => {
  it('lists web-llm, transformers.js and llama.cpp on both devices, fp32 entries reading the forced sequence', () => {
    const plan = twinPlan('ci-small', 'http://x');
    expect(plan.variants.map((v) => [v.label, Boolean(v.unavailable), Boolean(v.agreement)])).toEqual([
      ['web-llm · WebGPU · q4f32_1', true, false],
      ['transformers.js · WebGPU · fp32', false, true],
      ['transformers.js · CPU · fp32', false, true],
      ['transformers.js · WebGPU · q4', false, false],
      ['transformers.js · CPU · q4', false, false],
      ['llama.cpp · WebGPU · F32', false, true],
      ['llama.cpp · CPU · F32', false, true],
      ['llama.cpp · WebGPU · Q4_0', false, false],
      ['llama.cpp · CPU · Q4_0', false, false],
    ]);
    expect(plan.variants[6]).toMatchObject({
      model: 'http://x/twins/ci-small-gguf/ci-small-f32.gguf',
      custom: { llamacpp: [{ url: 'http://x/twins/ci-small-gguf/ci-small-f32.gguf' }] },
      synthetic: true,
    });
  });

  it('points web-llm at the shared library where one has the twin’s shapes', () => {
    const [webllm] = twinPlan('qwen2.5-0.5b', 'http://x', { precisions: ['q4'] }).variants;
    expect(webllm).toMatchObject({ engine: 'webllm', library: expect.stringMatching(/v0_2_48\.wasm$/) });
    expect(webllm!.unavailable).toBeUndefined();
  });

  it('keeps devices left out of a run in the plan, marked', () => {
    const plan = twinPlan('ci-small', 'http://x', { precisions: ['fp32'], devices: ['wasm'] });
    const gpu = plan.variants.filter((v) => v.device === 'webgpu');
    expect(gpu.map((v) => v.unavailable)).toEqual([
      'left out of this run (--devices wasm).',
      'left out of this run (--devices wasm).',
    ]);
    expect(() => twinPlan('ci-small', 'http://x', { precisions: ['fp8'] })).toThrow(/unknown precision "fp8"/);
    expect(() => twinPlan('ci-small', 'http://x', { devices: ['npu'] })).toThrow(/unknown device "npu"/);
  });
});
