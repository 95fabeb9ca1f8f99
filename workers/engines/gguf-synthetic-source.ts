/**
 * "Measure without downloading" for llama.cpp: reads only a GGUF file's header (metadata,
 * tokenizer, tensor table) with HTTP range requests, and returns a Blob of the file's exact size
 * whose tensor data is synthetic (src/core/gguf-synthetic.ts). Nothing is stored: the Blob lives in
 * this worker's memory until the model is unloaded.
 */
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import { GgufError, NeedMoreBytes, parseGgufHeader, type GgufHeader } from '../../src/core/gguf.js';
import { syntheticGgufParts, SyntheticWeightsError } from '../../src/core/gguf-synthetic.js';

const FIRST_READ = 64 << 10;
/** A header longer than this is not one llama.cpp would read either (tokenizers run to a few MB). */
const MAX_HEADER = 256 << 20;

export interface SyntheticGguf {
  blob: Blob;
  header: GgufHeader;
  /** Bytes fetched: the header only. */
  fetchedBytes: number;
}

function refuse(message: string): Error {
  return edgeError(ERROR_NAMES.syntheticUnsupported, message);
}

/** Bytes [start, end) of `url` and the file's total size; refuses a server that ignores ranges. */
async function fetchRange(url: string, start: number, end: number, signal: AbortSignal) {
  let response: Response;
  try {
    response = await fetch(url, { headers: { Range: `bytes=${start}-${end - 1}` }, signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw edgeError(ERROR_NAMES.downloadFailed, `Could not reach ${url} (${String(error)}).`, { url });
  }
  if (response.status !== 206) {
    await response.body?.cancel();
    if (!response.ok) {
      throw edgeError(ERROR_NAMES.modelNotFound, `${url} answered ${response.status} ${response.statusText}.`, { url });
    }
    throw refuse(
      `${url} does not answer HTTP range requests (it sent the whole file), so its header cannot be read alone.`,
    );
  }
  const total = Number(/\/(\d+)\s*$/.exec(response.headers.get('Content-Range') ?? '')?.[1]);
  if (!Number.isFinite(total) || total <= 0) throw refuse(`${url} sent no file size with its range reply.`);
  return { bytes: new Uint8Array(await response.arrayBuffer()), total };
}

/** The header by range requests, then the synthetic file. */
export async function syntheticGguf(url: string, signal: AbortSignal): Promise<SyntheticGguf> {
  let read = await fetchRange(url, 0, FIRST_READ, signal);
  let fetchedBytes = read.bytes.length;
  let bytes = read.bytes;
  for (;;) {
    try {
      const header = parseGgufHeader(bytes, read.total);
      const parts = syntheticGgufParts(header, bytes, read.total);
      return { blob: new Blob(parts as BlobPart[]), header, fetchedBytes };
    } catch (error) {
      if (error instanceof SyntheticWeightsError) throw refuse(error.message);
      if (error instanceof GgufError) throw error;
      if (!(error instanceof NeedMoreBytes) || bytes.length >= Math.min(read.total, MAX_HEADER)) throw error;
      // Only the missing part of the header: bytes already read are never fetched twice.
      const more = await fetchRange(url, bytes.length, Math.min(read.total, bytes.length * 4), signal);
      fetchedBytes += more.bytes.length;
      const grown = new Uint8Array(bytes.length + more.bytes.length);
      grown.set(bytes);
      grown.set(more.bytes, bytes.length);
      bytes = grown;
      read = { bytes, total: read.total };
    }
  }
}
