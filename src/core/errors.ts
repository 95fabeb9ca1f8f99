/**
 * Every error edge-llm throws or recognises: one list of names, one list of codes, one
 * constructor and one serializer. What each code means to a person is in error-messages.ts.
 *
 * web-llm's error classes are not exported at run time, so errors are recognised by `name`
 * (which survives the worker boundary) and, for the few plain `Error`s engines throw, by message.
 */
import type { SerializedError } from '../shared/engine-api.js';

/** Every stable code an error is reported with; the UI and the docs read this list. */
export const ERROR_CODES = [
  'no-webgpu',
  'no-adapter',
  'needs-f16',
  'feature-missing',
  'limits-exceeded',
  'out-of-memory',
  'device-lost',
  'download-failed',
  'quota-exceeded',
  'storage-insufficient',
  'cached-file-corrupt',
  'model-config-invalid',
  'model-file-missing',
  'model-file-invalid',
  'gguf-invalid',
  'architecture-unsupported',
  'quantization-unsupported',
  'wasm-memory-exceeded',
  'invalid-output',
  'engine-crashed',
  'model-lib-missing',
  'model-lib-invalid',
  'context-window-exceeded',
  'worker-crashed',
  'csp-blocked',
  'model-not-loaded',
  'correctness-unsupported',
  'model-in-another-tab',
  'model-move-failed',
  'unknown',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Names of the errors edge-llm throws (its own checks and the browser's names it raises itself),
 * and of the engines' errors it recognises. No other file writes an error name as a string.
 */
export const ERROR_NAMES = {
  // edge-llm's own checks
  modelLibMissing: 'ModelLibraryMissingError',
  modelLibInvalid: 'ModelLibraryInvalidError',
  modelConfigInvalid: 'ModelConfigInvalidError',
  modelFileMissing: 'ModelFileMissingError',
  modelFileInvalid: 'ModelFileInvalidError',
  downloadFailed: 'DownloadFailedError',
  noAdapter: 'NoAdapterError',
  workerCrashed: 'WorkerCrashedError',
  storageInsufficient: 'InsufficientStorageError',
  cachedFileCorrupt: 'CachedFileCorruptError',
  /** Another tab of this site holds the model on this GPU (src/client/model-tabs.ts). */
  modelInAnotherTab: 'ModelInAnotherTabError',
  modelMoveFailed: 'ModelMoveFailedError',
  // llama.cpp's failures, told apart by the engine from its log and its own header check
  ggufInvalid: 'GgufInvalidError',
  architectureUnsupported: 'ArchitectureUnsupportedError',
  quantizationUnsupported: 'QuantizationUnsupportedError',
  wasmMemoryExceeded: 'WasmMemoryExceededError',
  invalidOutput: 'InvalidOutputError',
  engineCrashed: 'EngineCrashedError',
  gpuOutOfMemory: 'GPUOutOfMemoryError',
  /** The engine cannot read a fixed sequence (teacher forcing), so correctness cannot be checked. */
  forcedChoicesUnsupported: 'ForcedChoicesUnsupportedError',
  /** A fixed sequence the model cannot read: empty, too long, or ids outside its vocabulary. */
  forcedChoicesInput: 'ForcedChoicesInputError',
  // names web-llm uses that edge-llm also throws, so both map to one code
  webgpuNotAvailable: 'WebGPUNotAvailableError',
  deviceLost: 'DeviceLostError',
  modelNotLoaded: 'ModelNotLoadedError',
  modelNotFound: 'ModelNotFoundError',
  contextWindowExceeded: 'ContextWindowSizeExceededError',
  // the DOM's name for a cancelled operation: never reported as a failure
  abort: 'AbortError',
} as const;

export type ErrorName = (typeof ERROR_NAMES)[keyof typeof ERROR_NAMES];

/** Structured details an error carries across the worker boundary (a URL, an HTTP status, sizes). */
export type ErrorDetail = Record<string, string | number>;

/** The one way edge-llm makes an error: a name the mapping knows, a message, and details. */
export function edgeError(name: ErrorName, message: string, detail?: ErrorDetail): Error {
  const error = new Error(message);
  error.name = name;
  return detail ? Object.assign(error, { detail }) : error;
}

/** True for a cancelled operation (ours or the DOM's), which is never reported as a failure. */
export function isAbortError(error: unknown): boolean {
  return (error as { name?: unknown } | undefined)?.name === ERROR_NAMES.abort;
}

interface Rule {
  code: ErrorCode;
  names?: string[];
  pattern?: RegExp;
}

// Order matters: the first rule that matches wins, so specific names come before message patterns.
const RULES: Rule[] = [
  { code: 'no-webgpu', names: [ERROR_NAMES.webgpuNotAvailable, 'WebGPUNotFoundError'] },
  { code: 'no-adapter', names: [ERROR_NAMES.noAdapter] },
  { code: 'needs-f16', names: ['ShaderF16SupportError'] },
  { code: 'feature-missing', names: ['FeatureSupportError'] },
  { code: 'device-lost', names: [ERROR_NAMES.deviceLost], pattern: /device (was )?lost|GPUDevice.*destroyed/i },
  { code: 'context-window-exceeded', names: [ERROR_NAMES.contextWindowExceeded] },
  { code: 'model-lib-missing', names: [ERROR_NAMES.modelLibMissing, 'MissingModelWasmError'] },
  { code: 'model-lib-invalid', names: [ERROR_NAMES.modelLibInvalid, 'CompileError', 'LinkError'] },
  {
    code: 'model-config-invalid',
    names: [
      ERROR_NAMES.modelConfigInvalid,
      ERROR_NAMES.modelNotFound,
      'ConfigValueError',
      'UnsupportedTokenizerFilesError',
    ],
  },
  { code: 'model-file-missing', names: [ERROR_NAMES.modelFileMissing] },
  { code: 'model-file-invalid', names: [ERROR_NAMES.modelFileInvalid] },
  { code: 'gguf-invalid', names: [ERROR_NAMES.ggufInvalid] },
  { code: 'architecture-unsupported', names: [ERROR_NAMES.architectureUnsupported] },
  { code: 'quantization-unsupported', names: [ERROR_NAMES.quantizationUnsupported] },
  { code: 'wasm-memory-exceeded', names: [ERROR_NAMES.wasmMemoryExceeded] },
  { code: 'invalid-output', names: [ERROR_NAMES.invalidOutput], pattern: /Invalid typed array length/ },
  { code: 'engine-crashed', names: [ERROR_NAMES.engineCrashed] },
  { code: 'storage-insufficient', names: [ERROR_NAMES.storageInsufficient] },
  { code: 'cached-file-corrupt', names: [ERROR_NAMES.cachedFileCorrupt] },
  { code: 'quota-exceeded', names: ['QuotaExceededError'], pattern: /quota/i },
  { code: 'worker-crashed', names: [ERROR_NAMES.workerCrashed] },
  { code: 'correctness-unsupported', names: [ERROR_NAMES.forcedChoicesUnsupported] },
  { code: 'model-in-another-tab', names: [ERROR_NAMES.modelInAnotherTab] },
  { code: 'model-move-failed', names: [ERROR_NAMES.modelMoveFailed] },
  {
    code: 'model-not-loaded',
    names: [ERROR_NAMES.modelNotLoaded, 'EngineNotLoadedError', 'WorkerEngineModelNotLoadedError'],
  },
  { code: 'limits-exceeded', pattern: /requested \w+ exceeds limit|exceeds the (device|adapter)'?s? limit/i },
  {
    code: 'out-of-memory',
    names: [ERROR_NAMES.gpuOutOfMemory],
    pattern: /out of memory|OutOfMemory|Array buffer allocation failed/i,
  },
  {
    code: 'download-failed',
    names: [ERROR_NAMES.downloadFailed, 'NetworkError'],
    pattern: /failed to fetch|network ?error|Request failed|Unable to fetch|Cannot fetch|load failed/i,
  },
];

/** A host page's Content-Security-Policy refused a worker or WebAssembly: says so whatever the name. */
const CSP_PATTERN = /Content Security Policy|Refused to (compile|create|load)|wasm-unsafe-eval/i;

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(value: string): value is ErrorCode {
  return CODES.has(value);
}

/** Finds the code for an error by its name first, then by its message. */
export function classifyError(error: SerializedError): ErrorCode {
  if (error.code && isErrorCode(error.code)) return error.code;
  if (CSP_PATTERN.test(error.message)) return 'csp-blocked';
  for (const rule of RULES) {
    if (rule.names?.includes(error.name)) return rule.code;
  }
  for (const rule of RULES) {
    if (rule.pattern?.test(error.message)) return rule.code;
  }
  return 'unknown';
}

/**
 * Plain, structured-clone-safe data from anything thrown, keeping the name, a string code and the
 * details (which the mapping needs). The worker boundary also keeps the stack (`withStack`).
 */
export function serializeError(error: unknown, { withStack = false } = {}): SerializedError & { stack?: string } {
  if (!(error instanceof Error) && (typeof error !== 'object' || error === null || !('message' in error))) {
    return { name: 'Error', message: String(error) };
  }
  const record = error as Error & { code?: unknown; detail?: unknown };
  const serialized: SerializedError & { stack?: string } = {
    name: typeof record.name === 'string' && record.name ? record.name : 'Error',
    message: String(record.message ?? ''),
  };
  if (typeof record.code === 'string') serialized.code = record.code;
  if (record.detail && typeof record.detail === 'object') {
    // A JSON round trip drops whatever structured clone would refuse (functions, class instances).
    serialized.detail = JSON.parse(JSON.stringify(record.detail)) as ErrorDetail;
  }
  if (withStack && typeof record.stack === 'string') serialized.stack = record.stack;
  return serialized;
}
