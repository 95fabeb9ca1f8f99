import { describe, expect, it } from 'vitest';
import {
  MAX_FRAGMENT_LENGTH,
  MAX_INFLATED_BYTES,
  decodeResultFragment,
  encodeResultFragment,
} from '../../src/core/share-link.js';
import { sampleResult } from './bench-fixture.js';

/** `#r=` + base64url(deflate-raw(bytes)), built independently of the module under test. */
async function fragmentOf(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const deflated = Buffer.from(await new Response(stream).arrayBuffer());
  return `#r=${deflated.toString('base64url')}`;
}

async function errorOf(hash: string): Promise<string> {
  const result = await decodeResultFragment(hash);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.error;
}

describe('share link', () => {
  it('round-trips a result', async () => {
    const result = sampleResult();
    const hash = await encodeResultFragment(result);
    expect(hash).toMatch(/^#r=[A-Za-z0-9_-]+$/);
    expect(await decodeResultFragment(hash)).toEqual({ ok: true, value: result });
    expect(await decodeResultFragment(hash.slice(1))).toEqual({ ok: true, value: result });
  });

  it('is deflate-raw of the JSON, in base64url', async () => {
    const hash = await encodeResultFragment(sampleResult());
    const bytes = Buffer.from(hash.slice(3), 'base64url');
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    expect(JSON.parse(await new Response(stream).text())).toEqual(sampleResult());
  });

  it('round-trips hostile strings unchanged', async () => {
    const result = sampleResult();
    result.runs[0]!.model = '<img src=x onerror="alert(1)"> é 😀 ü';
    const decoded = await decodeResultFragment(await encodeResultFragment(result));
    expect(decoded.ok && decoded.value.runs[0]!.model).toBe('<img src=x onerror="alert(1)"> é 😀 ü');
  });

  it('says when the link holds no result', async () => {
    const none = 'the link holds no benchmark result (expected "#r=" followed by the result)';
    expect(await errorOf('')).toBe(none);
    expect(await errorOf('#')).toBe(none);
    expect(await errorOf('#x=1')).toBe(none);
    expect(await errorOf('#r=')).toBe(none);
  });

  it('says when the link is garbled', async () => {
    const garbled = 'the link is garbled: its result is not valid base64url (was it cut or edited?)';
    expect(await errorOf('#r=abc$def')).toBe(garbled);
    expect(await errorOf('#r=abc+def')).toBe(garbled); // "+" reads as a space in a fragment
    expect(await errorOf('#r=abcde')).toBe(garbled); // 5 characters cannot be base64
  });

  it('says when the link was cut short or its data does not inflate', async () => {
    const hash = await encodeResultFragment(sampleResult());
    const cut = 'the link is garbled or cut short: its result does not decompress';
    // Cut at a whole number of base64 quads, so only the deflate stream is short.
    expect(await errorOf(hash.slice(0, 3 + 4 * Math.floor((hash.length - 3) / 8)))).toBe(cut);
    expect(await errorOf(hash.slice(0, -4))).toBe(cut);
    expect(await errorOf('#r=_____w')).toBe(cut);
  });

  it('says when the inflated data is not text or not JSON', async () => {
    expect(await errorOf(await fragmentOf(new Uint8Array([0xff, 0xfe, 0x00])))).toBe(
      'the link is garbled: its result is not UTF-8 text',
    );
    expect(await errorOf(await fragmentOf(new TextEncoder().encode('{"schema":')))).toMatch(
      /^the link is garbled: its result is not JSON \(/,
    );
  });

  it('passes validation errors through', async () => {
    const json = JSON.parse(JSON.stringify(sampleResult()));
    json.runs[0].decodeTokensPerSecond[2] = 'x';
    expect(await errorOf(await fragmentOf(new TextEncoder().encode(JSON.stringify(json))))).toBe(
      'runs[0].decodeTokensPerSecond[2] must be a finite number',
    );
    expect(await errorOf(await fragmentOf(new TextEncoder().encode('{"schema":"edge-llm/bench@3"}')))).toMatch(
      /^made by a newer edge-llm/,
    );
  });

  it('refuses absurd sizes', async () => {
    const bomb = await fragmentOf(new Uint8Array(MAX_INFLATED_BYTES + 1).fill(0x20));
    expect(bomb.length).toBeLessThan(MAX_FRAGMENT_LENGTH);
    expect(await errorOf(bomb)).toBe(
      `the link's result is too large (over ${MAX_INFLATED_BYTES} bytes when decompressed)`,
    );
    expect(await errorOf('#r=' + 'A'.repeat(MAX_FRAGMENT_LENGTH))).toBe(
      `the link is too long (${MAX_FRAGMENT_LENGTH + 3} characters; at most ${MAX_FRAGMENT_LENGTH})`,
    );
  });
});
