/**
 * Reads a GGUF file's header from a Blob (a stored model file) without reading its weights,
 * and checks the file holds every byte its tensor table promises.
 */
import { checkGgufFile, NeedMoreBytes, parseGgufHeader, type GgufHeader } from '../../src/core/gguf.js';

const FIRST_READ = 1 << 20;
/** A header longer than this is not one llama.cpp would read either (tokenizers run to a few MB). */
const MAX_HEADER = 256 << 20;

/** The header and the bytes of tensor data; throws a GgufError when the file is not usable. */
export async function inspectGguf(blob: Blob): Promise<{ header: GgufHeader; weightBytes: number }> {
  let length = Math.min(blob.size, FIRST_READ);
  for (;;) {
    const bytes = new Uint8Array(await blob.slice(0, length).arrayBuffer());
    try {
      const header = parseGgufHeader(bytes, blob.size);
      return { header, weightBytes: checkGgufFile(header, blob.size) };
    } catch (error) {
      if (!(error instanceof NeedMoreBytes) || length >= Math.min(blob.size, MAX_HEADER)) throw error;
      length = Math.min(blob.size, length * 4);
    }
  }
}
