/**
 * llama.cpp's failures as edge-llm errors, each with its own name (see src/core/errors.ts).
 */
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import { GgufError } from '../../src/core/gguf.js';
import type { LoadFailure } from '../../src/core/llamacpp-log.js';

/** A file our own header check refused, before llama.cpp saw it. */
export function fromGgufError(error: GgufError, url: string): Error {
  if (error.problem === 'unsupported-type') {
    return edgeError(ERROR_NAMES.quantizationUnsupported, error.message, { url });
  }
  return edgeError(ERROR_NAMES.ggufInvalid, error.message, { url });
}

/** A failure llama.cpp logged while loading. */
export function fromLoadFailure(failure: LoadFailure, url: string, onCpu: boolean): Error {
  switch (failure.problem) {
    case 'unknown-architecture':
      return edgeError(ERROR_NAMES.architectureUnsupported, `architecture "${failure.subject ?? '?'}"`, { url });
    case 'unsupported-type':
      return edgeError(ERROR_NAMES.quantizationUnsupported, `ggml type ${failure.subject ?? '?'}`, { url });
    case 'out-of-memory':
      return onCpu
        ? edgeError(ERROR_NAMES.wasmMemoryExceeded, `llama.cpp ran out of memory: ${failure.detail}.`, { url })
        : edgeError(ERROR_NAMES.gpuOutOfMemory, failure.detail, { url });
    default:
      return edgeError(ERROR_NAMES.ggufInvalid, `${failure.detail}.`, { url });
  }
}

/** wllama surfaces an abort of its WebAssembly runtime as a RuntimeError. */
export function isRuntimeAbort(error: unknown): boolean {
  const record = error as { name?: string; message?: string } | undefined;
  return record?.name === 'RuntimeError' || /Aborted\(|__wrap_abort|unreachable/.test(String(record?.message ?? ''));
}

export { GgufError };
