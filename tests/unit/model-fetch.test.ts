/**
 * The network layer under transformers.js against a scripted host: size probes answered by one
 * HEAD, an interrupted download resumed with a range request tied to the same version (or
 * fetched again once when the host cannot resume), and a cancelled one leaving nothing behind.
 */
import { describe, expect, it } from 'vitest';
import { ModelFetch } from '../../workers/storage/model-fetch.js';

const URL_ = 'https://host.test/m/onnx/model.onnx';
const FILE = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) % 256);

interface Seen {
  method: string;
  range: string | null;
  ifRange: string | null;
  cache: RequestCache | undefined;
}

/** A host serving FILE; `cutAfter` makes the next GET body fail after that many bytes. */
function host(options: { validators?: boolean; encoding?: string } = {}) {
  const seen: Seen[] = [];
  const state = { cutAfter: undefined as number | undefined, etag: '"v1"' };
  const validators = options.validators ?? true;
  const network = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    const method = init?.method ?? 'GET';
    seen.push({ method, range: headers.get('range'), ifRange: headers.get('if-range'), cache: init?.cache });
    const base: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (validators) Object.assign(base, { 'accept-ranges': 'bytes', etag: state.etag });
    if (options.encoding) base['content-encoding'] = options.encoding;
    if (method === 'HEAD') return new Response(null, { headers: { ...base, 'content-length': String(FILE.length) } });
    const range = /^bytes=(\d+)-$/.exec(headers.get('range') ?? '');
    const ifRange = headers.get('if-range');
    const start = range && validators && (ifRange === null || ifRange === state.etag) ? Number(range[1]) : 0;
    const body = FILE.subarray(start);
    const cut = state.cutAfter;
    state.cutAfter = undefined;
    const chunks =
      cut === undefined ? [body.slice(0, 4000), body.slice(4000, 7000), body.slice(7000)] : [body.slice(0, cut)];
    // Pulled one read at a time, like a socket: a cut errors the body after its last byte, an
    // aborted request errors it at the next read.
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (init?.signal?.aborted) return controller.error(new DOMException('Aborted.', 'AbortError'));
          const next = chunks.shift();
          if (next && next.byteLength > 0) controller.enqueue(next);
          else if (cut !== undefined) controller.error(new TypeError('network error'));
          else controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const status = start > 0 ? 206 : 200;
    const extra: Record<string, string> = { 'content-length': String(body.length) };
    if (start > 0) extra['content-range'] = `bytes ${start}-${FILE.length - 1}/${FILE.length}`;
    return new Response(stream, { status, headers: { ...base, ...extra } });
  };
  return { network, seen, state };
}

async function readAll(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

describe('ModelFetch: size probes', () => {
  it("answers transformers.js's first-byte probes with one HEAD per file and load", async () => {
    const { network, seen } = host();
    const layer = new ModelFetch(network);
    void layer.beginLoad(new AbortController().signal);
    const probe = () => layer.fetch(URL_, { method: 'GET', headers: { Range: 'bytes=0-0' } });
    const [first, second] = [await probe(), await probe()];
    expect(first.status).toBe(200);
    expect(first.headers.get('content-length')).toBe(String(FILE.length));
    expect(second.headers.get('content-length')).toBe(String(FILE.length));
    expect(seen).toEqual([{ method: 'HEAD', range: null, ifRange: null, cache: 'no-store' }]);

    // A new load asks again (the file may have changed between loads).
    void layer.beginLoad(new AbortController().signal);
    await probe();
    expect(seen.map((request) => request.method)).toEqual(['HEAD', 'HEAD']);
  });

  it('lets the probe through when a HEAD length would not be the file size (a re-encoded body)', async () => {
    const { network, seen } = host({ encoding: 'gzip' });
    const layer = new ModelFetch(network);
    void layer.beginLoad(new AbortController().signal);
    await layer.fetch(URL_, { headers: { Range: 'bytes=0-0' } });
    expect(seen.map((request) => [request.method, request.range])).toEqual([
      ['HEAD', null],
      ['GET', 'bytes=0-0'],
    ]);
  });
});

describe('ModelFetch: downloads', () => {
  it('delivers the whole file, counts its bytes and keeps nothing afterwards', async () => {
    const { network, seen } = host();
    const layer = new ModelFetch(network);
    void layer.beginLoad(new AbortController().signal);
    const response = await layer.fetch(URL_);
    expect(await readAll(response)).toEqual(FILE);
    expect(response.headers.get('content-length')).toBe(String(FILE.length));
    expect(layer.receivedBytes).toBe(FILE.length);
    expect(layer.partials.list()).toEqual([]);
    expect(seen).toEqual([{ method: 'GET', range: null, ifRange: null, cache: 'no-store' }]);
  });

  it('hands the completed file to the store once, as the Blob it kept (no second copy of the bytes)', async () => {
    const { network } = host();
    const layer = new ModelFetch(network);
    void layer.beginLoad(new AbortController().signal);
    await readAll(await layer.fetch(URL_));
    const whole = layer.partials.takeCompleted(URL_);
    expect(new Uint8Array(await whole!.arrayBuffer())).toEqual(FILE);
    expect(layer.partials.takeCompleted(URL_)).toBeUndefined();
    // A file nobody took is let go of when the next load begins.
    await readAll(await layer.fetch(URL_));
    void layer.beginLoad(new AbortController().signal);
    expect(layer.partials.takeCompleted(URL_)).toBeUndefined();
  });

  it('hands over the whole file after a resumed download too: the kept bytes and the rest', async () => {
    const { network, state } = host();
    const layer = new ModelFetch(network);
    void layer.beginLoad(new AbortController().signal);
    state.cutAfter = 6000;
    await expect(readAll(await layer.fetch(URL_))).rejects.toBeDefined();
    expect(layer.partials.takeCompleted(URL_)).toBeUndefined();
    void layer.beginLoad(new AbortController().signal);
    expect(await readAll(await layer.fetch(URL_))).toEqual(FILE);
    expect(new Uint8Array(await layer.partials.takeCompleted(URL_)!.arrayBuffer())).toEqual(FILE);
  });

  it('keeps the bytes of a cut-off download and asks only for the rest next time', async () => {
    const { network, seen, state } = host();
    const layer = new ModelFetch(network);
    const failed = layer.beginLoad(new AbortController().signal);
    state.cutAfter = 6000;
    const first = await layer.fetch(URL_);
    const error = await readAll(first).catch((reason: unknown) => reason);
    expect(error).toMatchObject({
      name: 'DownloadFailedError',
      detail: { url: URL_, receivedBytes: 6000, keptBytes: 6000, totalBytes: FILE.length, resumable: 1 },
    });
    await expect(failed).rejects.toMatchObject({ name: 'DownloadFailedError' });
    expect(layer.lastFailure).toMatchObject({ url: URL_, keptBytes: 6000, resumable: true });
    expect(layer.partials.list()).toEqual([
      expect.objectContaining({ url: URL_, bytes: 6000, total: FILE.length, validator: '"v1"' }),
    ]);

    void layer.beginLoad(new AbortController().signal);
    const second = await layer.fetch(URL_);
    expect(second.status).toBe(200);
    expect(second.headers.get('content-length')).toBe(String(FILE.length));
    expect(second.headers.get('content-range')).toBeNull();
    expect(await readAll(second)).toEqual(FILE);
    expect(seen.at(-1)).toEqual({ method: 'GET', range: 'bytes=6000-', ifRange: '"v1"', cache: 'no-store' });
    // Only the missing bytes crossed the network, and nothing is kept once the file is whole.
    expect(layer.receivedBytes).toBe(FILE.length - 6000);
    expect(layer.partials.list()).toEqual([]);
  });

  it('keeps a second cut of a resumed download too, and finishes on the third try', async () => {
    const { network, state } = host();
    const layer = new ModelFetch(network);
    void layer.beginLoad(new AbortController().signal);
    state.cutAfter = 3000;
    await readAll(await layer.fetch(URL_)).catch(() => undefined);
    void layer.beginLoad(new AbortController().signal);
    state.cutAfter = 2000;
    await readAll(await layer.fetch(URL_)).catch(() => undefined);
    expect(layer.partials.list()[0]?.bytes).toBe(5000);
    void layer.beginLoad(new AbortController().signal);
    expect(await readAll(await layer.fetch(URL_))).toEqual(FILE);
  });

  it('fetches the whole file once when the file changed since the cut (If-Range no longer matches)', async () => {
    const { network, seen, state } = host();
    const layer = new ModelFetch(network);
    void layer.beginLoad(new AbortController().signal);
    state.cutAfter = 6000;
    await readAll(await layer.fetch(URL_)).catch(() => undefined);
    state.etag = '"v2"';
    void layer.beginLoad(new AbortController().signal);
    expect(await readAll(await layer.fetch(URL_))).toEqual(FILE);
    expect(seen.at(-1)).toMatchObject({ range: 'bytes=6000-', ifRange: '"v1"' });
    expect(layer.receivedBytes).toBe(FILE.length);
  });

  it('keeps nothing from a host that cannot resume, and says the file will be fetched again', async () => {
    const { network, seen, state } = host({ validators: false });
    const layer = new ModelFetch(network);
    void layer.beginLoad(new AbortController().signal);
    state.cutAfter = 6000;
    const error = await readAll(await layer.fetch(URL_)).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ detail: { receivedBytes: 6000, keptBytes: 0, resumable: 0 } });
    expect(layer.partials.list()).toEqual([]);
    void layer.beginLoad(new AbortController().signal);
    expect(await readAll(await layer.fetch(URL_))).toEqual(FILE);
    expect(seen.at(-1)?.range).toBeNull();
  });

  it('drops what a cancelled download received: the next load starts the file from its first byte', async () => {
    const { network, seen } = host();
    const layer = new ModelFetch(network);
    const controller = new AbortController();
    const loadFailed = layer.beginLoad(controller.signal);
    const reader = (await layer.fetch(URL_)).body!.getReader();
    expect((await reader.read()).value?.byteLength).toBe(4000);
    controller.abort();
    const drain = async () => {
      while (!(await reader.read()).done);
    };
    await expect(drain()).rejects.toMatchObject({ name: 'AbortError' });
    await expect(loadFailed).rejects.toMatchObject({ name: 'AbortError' });
    expect(layer.partials.list()).toEqual([]);
    expect(layer.lastFailure).toBeUndefined();

    void layer.beginLoad(new AbortController().signal);
    expect(await readAll(await layer.fetch(URL_))).toEqual(FILE);
    expect(seen.at(-1)?.range).toBeNull();
  });
});
