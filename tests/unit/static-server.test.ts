/**
 * The test server behaves like a static host (validators, 304, byte ranges), counts the body
 * bytes of every response, and can die mid-file and come back on the same port.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityTag, ifRangeAllows, matchesIfNoneMatch, parseRange } from '../../scripts/http-range.mjs';
import { startStaticServer, type StaticServer } from '../../scripts/static-server.mjs';

describe('parseRange', () => {
  it('reads one range, open-ended and suffix ranges', () => {
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=4-', 10)).toEqual({ start: 4, end: 9 });
    expect(parseRange('bytes=2-100', 10)).toEqual({ start: 2, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
  });

  it('ignores what it does not serve and refuses ranges outside the file', () => {
    expect(parseRange(undefined, 10)).toBeUndefined();
    expect(parseRange('bytes=0-1,4-5', 10)).toBeUndefined();
    expect(parseRange('items=0-1', 10)).toBeUndefined();
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-4', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
  });
});

describe('validators', () => {
  const etag = entityTag(1234, 1_700_000_000_123);
  it('match If-None-Match and If-Range only on the current tag or date', () => {
    expect(etag).toBe('"4d2-18bcfe5687b"');
    expect(matchesIfNoneMatch(`W/"x", ${etag}`, etag)).toBe(true);
    expect(matchesIfNoneMatch('"other"', etag)).toBe(false);
    expect(matchesIfNoneMatch(undefined, etag)).toBe(false);
    expect(ifRangeAllows(undefined, etag, 'date')).toBe(true);
    expect(ifRangeAllows(etag, etag, 'date')).toBe(true);
    expect(ifRangeAllows('"stale"', etag, 'date')).toBe(false);
    expect(ifRangeAllows('date', etag, 'date')).toBe(true);
    expect(ifRangeAllows('another date', etag, 'date')).toBe(false);
  });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  error?: string;
}

/** A raw request (no fetch, so a cut connection is seen for what it is). */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      const reply = () => ({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(reply()));
      res.on('error', (error) => resolve({ ...reply(), error: error.message }));
      res.on('aborted', () => resolve({ ...reply(), error: 'aborted' }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startStaticServer', () => {
  let dir: string;
  let server: StaticServer;
  const data = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
  const last = () => server.requests.at(-1)!;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edge-llm-server-'));
    writeFileSync(join(dir, 'file.bin'), data);
    server = await startStaticServer({ roots: { '/': dir }, cors: true });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts body bytes, sends validators and answers a matching If-None-Match with 304', async () => {
    const full = await get(`${server.url}/file.bin`);
    expect(full.status).toBe(200);
    expect(full.body.equals(data)).toBe(true);
    expect(full.headers['accept-ranges']).toBe('bytes');
    expect(full.headers['access-control-expose-headers']).toContain('ETag');
    expect(last()).toMatchObject({ method: 'GET', status: 200, bytes: data.length });

    const etag = String(full.headers.etag);
    const again = await get(`${server.url}/file.bin`, { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(last()).toMatchObject({ status: 304, bytes: 0 });

    await get(`${server.url}/file.bin`, {}, 'HEAD');
    expect(last()).toMatchObject({ method: 'HEAD', status: 200, bytes: 0 });
  });

  it('serves a byte range, and the whole file when If-Range names another version', async () => {
    const part = await get(`${server.url}/file.bin`, { Range: 'bytes=60000-' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 60000-99999/${data.length}`);
    expect(part.body.equals(data.subarray(60_000))).toBe(true);
    expect(last()).toMatchObject({ status: 206, bytes: 40_000, range: 'bytes=60000-' });

    const stale = await get(`${server.url}/file.bin`, { Range: 'bytes=60000-', 'If-Range': '"old"' });
    expect(stale.status).toBe(200);
    expect(stale.body.length).toBe(data.length);

    const outside = await get(`${server.url}/file.bin`, { Range: `bytes=${data.length}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers['content-range']).toBe(`bytes */${data.length}`);
  });

  it('goes quiet after exactly N bytes of the armed file, with the connection left open', async () => {
    const stalled = server.stallNext({ path: '/file.bin', afterBytes: 30_000 });
    const received: Buffer[] = [];
    const req = request(`${server.url}/file.bin`, { agent: false }, (res) =>
      res.on('data', (c: Buffer) => received.push(c)),
    );
    req.end();
    expect(await stalled).toEqual({ path: '/file.bin', bytes: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(Buffer.concat(received).length).toBe(30_000);
    expect(last()).toMatchObject({ status: 200, bytes: 30_000, stalled: true });
    req.destroy();
    // Still up for everyone else.
    expect((await get(`${server.url}/file.bin`)).body.length).toBe(data.length);
  });

  it('dies after exactly N bytes of the armed file, refuses connections, and comes back on its port', async () => {
    const cut = server.cutNext({ path: '/file.bin', afterBytes: 50_000 });
    const reply = await get(`${server.url}/file.bin`);
    expect(reply.error).toBeDefined();
    expect(reply.body.length).toBe(50_000);
    expect(await cut).toEqual({ path: '/file.bin', bytes: 50_000 });
    expect(last()).toMatchObject({ status: 200, bytes: 50_000, cut: true });
    await expect(get(`${server.url}/file.bin`)).rejects.toThrow(/ECONNREFUSED/);

    await server.restart();
    const rest = await get(`${server.url}/file.bin`, { Range: 'bytes=50000-' });
    expect(rest.status).toBe(206);
    expect(Buffer.concat([reply.body, rest.body]).equals(data)).toBe(true);
  });
});
