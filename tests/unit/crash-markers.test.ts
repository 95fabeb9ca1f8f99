import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearIntent, recordIntent, RUN_INTENTS_KEY } from '../../src/persistence/crash-markers.js';
import { hasIntents } from '../../src/persistence/crash-markers-key.js';
import { unfinishedIntents } from '../../src/persistence/unfinished-runs.js';

/** localStorage as the browser has it: strings in, strings out. */
class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, String(value));
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

/** Web Locks as another tab would see them: `held` lists the locks of pages still alive. */
class FakeLocks {
  held: string[] = [];
  request(name: string, callback: () => Promise<void>) {
    this.held.push(name);
    return callback().then(() => {
      this.held = this.held.filter((held) => held !== name);
    });
  }
  query() {
    return Promise.resolve({ held: this.held.map((name) => ({ name })), pending: [] });
  }
}

let storage: MemoryStorage;
let locks: FakeLocks;

beforeEach(() => {
  storage = new MemoryStorage();
  locks = new FakeLocks();
  vi.stubGlobal('localStorage', storage);
  vi.stubGlobal('navigator', { locks, deviceMemory: 4 });
});
afterEach(() => vi.unstubAllGlobals());

const load = { kind: 'load', engine: 'webllm', model: 'Llama-3.2-1B-Instruct-q4f32_1-MLC' } as const;

describe('run intents', () => {
  it('writes the marker synchronously, before the run starts, with the device memory', () => {
    const handle = recordIntent({ ...load, sizeBytes: 1.2e9 });
    const stored = JSON.parse(storage.getItem(RUN_INTENTS_KEY)!) as Record<string, Record<string, unknown>>;
    expect(stored[handle.id]).toMatchObject({ ...load, sizeBytes: 1.2e9, deviceMemoryGB: 4 });
    handle.update({ phase: 'downloading' });
    expect(JSON.parse(storage.getItem(RUN_INTENTS_KEY)!)[handle.id].phase).toBe('downloading');
    expect(hasIntents()).toBe(true);
    handle.clear();
    expect(storage.getItem(RUN_INTENTS_KEY)).toBeNull();
    expect(hasIntents()).toBe(false);
  });

  it('reports a marker whose page is gone, not one whose page still holds its lock', async () => {
    recordIntent({ ...load, model: 'live' });
    const crashed = recordIntent({ ...load, model: 'crashed' });
    // The crashed page's lock went with it; this page's record of its own runs went too (a new page).
    locks.held = locks.held.filter((name) => !name.endsWith(crashed.id));
    vi.resetModules();
    const fresh = await import('../../src/persistence/unfinished-runs.js');
    const unfinished = await fresh.unfinishedIntents();
    expect(unfinished.map((intent) => intent.model)).toEqual(['crashed']);
  });

  it('never reports this page’s own run in progress', async () => {
    recordIntent(load);
    locks.held = [];
    expect(await unfinishedIntents()).toEqual([]);
  });

  it('clearIntent removes one marker and keeps the others', async () => {
    const first = recordIntent({ ...load, model: 'first' });
    const second = recordIntent({ ...load, model: 'second' });
    clearIntent(first.id);
    const stored = JSON.parse(storage.getItem(RUN_INTENTS_KEY)!) as Record<string, unknown>;
    expect(Object.keys(stored)).toEqual([second.id]);
  });

  it('drops unreadable and week-old markers without reporting them', async () => {
    const now = Date.now();
    storage.setItem(
      RUN_INTENTS_KEY,
      JSON.stringify({
        broken: { id: 'broken', kind: 'load' },
        old: { ...load, id: 'old', startedAt: now - 8 * 24 * 3_600_000 },
        recent: { ...load, id: 'recent', startedAt: now - 60_000 },
      }),
    );
    const unfinished = await unfinishedIntents(now);
    expect(unfinished.map((intent) => intent.id)).toEqual(['recent']);
    expect(Object.keys(JSON.parse(storage.getItem(RUN_INTENTS_KEY)!))).toEqual(['recent']);
  });

  it('treats storage that is not JSON as empty, and works without Web Locks', async () => {
    storage.setItem(RUN_INTENTS_KEY, 'not json');
    vi.stubGlobal('navigator', {});
    expect(await unfinishedIntents()).toEqual([]);
    const handle = recordIntent(load);
    expect(handle.id).toBeTruthy();
  });
});
