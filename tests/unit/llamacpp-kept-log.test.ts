/**
 * llama.cpp's kept log (workers/engines/llamacpp-runtime.ts): a mark taken before a load still
 * finds the load's lines after older lines were dropped.
 */
import { describe, expect, it } from 'vitest';
import { KeptLog, keepingLogger } from '../../workers/engines/llamacpp-runtime.js';

describe('KeptLog', () => {
  it('returns the lines since a mark, even after the oldest lines were dropped', () => {
    const log = new KeptLog();
    for (let i = 0; i < 19_990; i++) log.push(`old ${i}`);
    const mark = log.mark();
    for (let i = 0; i < 30; i++) log.push(`load ${i}`);
    const since = log.since(mark);
    expect(since).toHaveLength(30);
    expect(since[0]).toBe('load 0');
    expect(log.since(0)).toHaveLength(20_000);
  });

  it('keeps what wllama’s logger is given, joined', () => {
    const log = new KeptLog();
    keepingLogger(log).debug('llama_kv_cache:', 'CPU KV buffer size =', 12);
    expect(log.since(0)).toEqual(['llama_kv_cache: CPU KV buffer size = 12']);
  });
});
