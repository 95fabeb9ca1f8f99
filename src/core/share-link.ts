/**
 * A benchmark result in a link's fragment: `#r=` + base64url(deflate-raw(JSON)). The fragment
 * never reaches a server. Reading one back inflates it with a size cap, parses it and runs
 * `validateBenchResult`, with a specific message for each way a link can be broken.
 */
import { validateBenchResult, type BenchResult, type ValidationResult } from './bench-schema.js';

/** Longest fragment read (characters); browsers and chat apps cut far shorter links anyway. */
export const MAX_FRAGMENT_LENGTH = 1_000_000;
/** Most bytes a fragment may inflate to, against a decompression bomb. */
export const MAX_INFLATED_BYTES = 10_000_000;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Bytes of a base64url string; undefined when it is not one. */
function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function readAll(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array | 'too-large'> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return 'too-large';
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function transform(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): ReadableStream<Uint8Array> {
  return new Blob([bytes as BlobPart]).stream().pipeThrough(stream as ReadableWritablePair<Uint8Array, Uint8Array>);
}

/** `#r=` and the result, deflated and base64url-encoded. */
export async function encodeResultFragment(result: BenchResult): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(result));
  const deflated = await readAll(transform(json, new CompressionStream('deflate-raw')), Number.POSITIVE_INFINITY);
  return `#r=${toBase64Url(deflated as Uint8Array)}`;
}

/** Reads a result back from a fragment (`#r=…`, with or without the `#`). */
export async function decodeResultFragment(hash: string): Promise<ValidationResult> {
  if (hash.length > MAX_FRAGMENT_LENGTH) {
    return { ok: false, error: `the link is too long (${hash.length} characters; at most ${MAX_FRAGMENT_LENGTH})` };
  }
  const data = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash).get('r');
  if (data === null || data === '') {
    return { ok: false, error: 'the link holds no benchmark result (expected "#r=" followed by the result)' };
  }
  const bytes = fromBase64Url(data);
  if (!bytes) {
    return { ok: false, error: 'the link is garbled: its result is not valid base64url (was it cut or edited?)' };
  }
  let inflated: Uint8Array | 'too-large';
  try {
    inflated = await readAll(transform(bytes, new DecompressionStream('deflate-raw')), MAX_INFLATED_BYTES);
  } catch {
    return { ok: false, error: 'the link is garbled or cut short: its result does not decompress' };
  }
  if (inflated === 'too-large') {
    return { ok: false, error: `the link's result is too large (over ${MAX_INFLATED_BYTES} bytes when decompressed)` };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(inflated);
  } catch {
    return { ok: false, error: 'the link is garbled: its result is not UTF-8 text' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `the link is garbled: its result is not JSON (${(error as Error).message})` };
  }
  return validateBenchResult(json);
}
