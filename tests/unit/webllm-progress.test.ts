import { describe, expect, it } from 'vitest';
import { parseWebLlmProgress } from '../../workers/engines/webllm-progress.js';

const MIB = 2 ** 20;

// The texts web-llm 0.2.86 (tvmjs fetchTensorCache / asyncLoadWebGPUPipelines) really reports.
const FETCHING =
  'Fetching param cache[3/10]: 120MB fetched. 30% completed, 4 secs elapsed. It can take a while when we first visit this page to populate the cache. Later refreshes will become faster.';
const LOADING = 'Loading model from cache[2/10]: 40MB loaded. 20% completed, 1 secs elapsed.';
const SHADERS = 'Loading GPU shader modules[5/50]: 10% completed, 2 secs elapsed.';

describe('parseWebLlmProgress', () => {
  it('reads "Start to fetch params" as the start of the download', () => {
    expect(parseWebLlmProgress({ progress: 0, timeElapsed: 0, text: 'Start to fetch params' })).toEqual({
      phase: 'downloading',
      fraction: 0,
      loadedBytes: undefined,
      totalBytes: undefined,
      detail: 'Start to fetch params',
    });
  });

  it('reads fetched megabytes and derives the total from the fraction', () => {
    expect(parseWebLlmProgress({ progress: 0.3, timeElapsed: 4, text: FETCHING })).toEqual({
      phase: 'downloading',
      fraction: 0.3,
      loadedBytes: 120 * MIB, // 125829120
      totalBytes: 400 * MIB, // 120 MiB / 0.3
      detail: FETCHING,
    });
  });

  it('reads loading from the cache as the loading phase', () => {
    expect(parseWebLlmProgress({ progress: 0.2, timeElapsed: 1, text: LOADING })).toEqual({
      phase: 'loading',
      fraction: 0.2,
      loadedBytes: 40 * MIB,
      totalBytes: 200 * MIB,
      detail: LOADING,
    });
  });

  it('reads shader compilation as compiling, without bytes', () => {
    expect(parseWebLlmProgress({ progress: 0.1, timeElapsed: 2, text: SHADERS })).toEqual({
      phase: 'compiling',
      fraction: 0.1,
      detail: SHADERS,
    });
  });

  it('reads "Finish loading" as compiling complete', () => {
    expect(parseWebLlmProgress({ progress: 1, timeElapsed: 9, text: 'Finish loading on WebGPU - google' })).toEqual({
      phase: 'compiling',
      fraction: 1,
      detail: 'Finish loading on WebGPU - google',
    });
    // Even when web-llm reports a stale fraction with it.
    expect(
      parseWebLlmProgress({ progress: 0.5, timeElapsed: 9, text: 'Finish loading on WebGPU - nvidia' }).fraction,
    ).toBe(1);
  });

  it('passes an unknown text through as loading', () => {
    expect(parseWebLlmProgress({ progress: 0.5, timeElapsed: 3, text: 'Warming up the tokenizer' })).toEqual({
      phase: 'loading',
      fraction: 0.5,
      detail: 'Warming up the tokenizer',
    });
  });

  it('clamps the fraction to 0..1 and drops a non-finite one', () => {
    // web-llm divides by a zero total before it knows the size: NaN.
    const start = parseWebLlmProgress({ progress: Number.NaN, timeElapsed: 0, text: 'Start to fetch params' });
    expect(start.fraction).toBeUndefined();
    expect(start.phase).toBe('downloading');
    expect(parseWebLlmProgress({ progress: 1.5, timeElapsed: 0, text: 'x' }).fraction).toBe(1);
    expect(parseWebLlmProgress({ progress: -0.5, timeElapsed: 0, text: 'x' }).fraction).toBe(0);
    expect(parseWebLlmProgress({ progress: Infinity, timeElapsed: 0, text: 'x' }).fraction).toBeUndefined();
  });

  it('has no total when the fraction is zero or unknown', () => {
    const text = 'Fetching param cache[0/10]: 0MB fetched. 0% completed, 0 secs elapsed.';
    expect(parseWebLlmProgress({ progress: 0, timeElapsed: 0, text })).toMatchObject({
      phase: 'downloading',
      loadedBytes: 0,
      totalBytes: undefined,
    });
    const done = 'Fetching param cache[10/10]: 400MB fetched. 100% completed, 9 secs elapsed.';
    expect(parseWebLlmProgress({ progress: 1, timeElapsed: 9, text: done })).toMatchObject({
      loadedBytes: 400 * MIB,
      totalBytes: 400 * MIB,
    });
  });
});
