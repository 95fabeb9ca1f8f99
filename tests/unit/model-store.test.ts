/**
 * transformers.js's cache: a write the browser refuses is recorded for the visitor (then thrown
 * on, as the browser threw it), and a stored body shorter than it declares is never trusted.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModelStore } from '../../workers/storage/model-store.js';

const FOLDER = 'https://host.test/m/';

function fakeCaches(options: { refuseOver?: number } = {}) {
  const entries = new Map<string, Response>();
  const cache = {
    match: async (url: string) => entries.get(url)?.clone(),
    delete: async (url: string) => entries.delete(url),
    put: async (url: string, response: Response) => {
      const body = await response.arrayBuffer();
      if (options.refuseOver !== undefined && body.byteLength > options.refuseOver) {
        throw new DOMException('Unexpected internal error.', 'UnknownError');
      }
      entries.set(url, new Response(body, { headers: response.headers }));
    },
  };
  return { entries, caches: { open: async () => cache } };
}

afterEach(() => vi.unstubAllGlobals());

describe('ModelStore', () => {
  it('records a refused write with its size and reason, and throws it on', async () => {
    const fake = fakeCaches({ refuseOver: 100 });
    vi.stubGlobal('caches', fake.caches);
    const store = new ModelStore('transformers-cache');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const big = new Response(new Uint8Array(300), { headers: { 'content-length': '300' } });
    await expect(store.put(`${FOLDER}onnx/model.onnx`, big)).rejects.toMatchObject({ name: 'UnknownError' });
    await store.put(`${FOLDER}config.json`, new Response('{}', { headers: { 'content-length': '2' } }));
    await expect(
      store.put(
        'https://other.test/x.onnx',
        new Response(new Uint8Array(200), { headers: { 'content-length': '200' } }),
      ),
    ).rejects.toBeDefined();

    expect(store.takeRefused(FOLDER)).toEqual([
      { url: `${FOLDER}onnx/model.onnx`, bytes: 300, reason: 'UnknownError: Unexpected internal error.' },
    ]);
    expect(store.takeRefused(FOLDER)).toEqual([]);
    expect(store.refused.map((write) => write.url)).toEqual(['https://other.test/x.onnx']);
    expect([...fake.entries.keys()]).toEqual([`${FOLDER}config.json`]);
    // Not swallowed: the console has the browser's own error.
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it("stores a completed download's own Blob when the fetch layer holds one of the declared size", async () => {
    const fake = fakeCaches();
    vi.stubGlobal('caches', fake.caches);
    const kept = new Map([[`${FOLDER}onnx/model.onnx`, new Blob([new Uint8Array(8).fill(7)])]]);
    const store = new ModelStore('transformers-cache', (url) => kept.get(url));
    const headers = { 'content-length': '8' };
    // The library hands over its own copy; the kept Blob is what gets stored.
    await store.put(`${FOLDER}onnx/model.onnx`, new Response(new Uint8Array(8), { headers }));
    const stored = new Uint8Array(await fake.entries.get(`${FOLDER}onnx/model.onnx`)!.arrayBuffer());
    expect([...stored]).toEqual(new Array(8).fill(7));
    // A kept Blob of another size is not the file the library read: its copy is stored.
    kept.set(`${FOLDER}config.json`, new Blob(['{"a":1}']));
    await store.put(`${FOLDER}config.json`, new Response('{}', { headers: { 'content-length': '2' } }));
    expect(await fake.entries.get(`${FOLDER}config.json`)!.text()).toBe('{}');
  });

  it('answers a stored file whole, and deletes one that holds fewer bytes than it declares', async () => {
    const fake = fakeCaches();
    vi.stubGlobal('caches', fake.caches);
    const store = new ModelStore('transformers-cache');
    fake.entries.set(`${FOLDER}a.bin`, new Response(new Uint8Array(10), { headers: { 'content-length': '10' } }));
    fake.entries.set(`${FOLDER}b.bin`, new Response(new Uint8Array(4), { headers: { 'content-length': '10' } }));
    expect((await (await store.match(`${FOLDER}a.bin`))!.arrayBuffer()).byteLength).toBe(10);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await store.match(`${FOLDER}b.bin`)).toBeUndefined();
    expect(fake.entries.has(`${FOLDER}b.bin`)).toBe(false);
    expect(await store.match(`${FOLDER}missing.bin`)).toBeUndefined();
  });
});
