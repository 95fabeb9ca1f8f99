/**
 * What each error code means to a person: a title, a specific message and the ways forward the
 * UI can offer. Pure; the codes themselves are in errors.ts.
 */
import { storageRefusedMessage } from './storage-refused.js';
import type { SerializedError } from '../shared/engine-api.js';
import { classifyError, type ErrorCode } from './errors.js';
import { formatBytes } from './format.js';

/** Ways forward the UI knows how to offer. */
export type RecoveryAction =
  | 'retry'
  | 'pick-another-model'
  | 'use-alternative'
  | 'reload-page'
  | 'restart-worker'
  /** Load the model again on a new GPU device (after a lost device), keeping the conversation. */
  | 'reload-model'
  | 'new-conversation'
  /** Ask the tab that holds the model to let go of it, then load it here (one copy on the GPU). */
  | 'move-model-here'
  /** Load a second copy of a model another tab holds, with the memory that costs. */
  | 'load-second-copy'
  | 'webgpu-help';

export interface FriendlyError {
  code: ErrorCode;
  title: string;
  message: string;
  actions: RecoveryAction[];
  /** The original error, shown under "details" and logged to the console. */
  original: SerializedError;
}

/** What the reporting element can do about an error, which changes the ways forward offered. */
export interface ErrorContext {
  /**
   * The element can load its model again on a fresh worker and GPU device, keeping its state
   * (the chat can; the benchmark only retries its own run).
   */
  canReloadModel?: boolean;
}

function detailText(error: SerializedError, key: string): string | undefined {
  const value = error.detail?.[key];
  return value === undefined ? undefined : String(value);
}

/** What a cut-off download left, and what Retry will fetch: only the rest, or the file again. */
function downloadFailedMessage(error: SerializedError, url: string | undefined, status: string | undefined): string {
  const received = Number(error.detail?.receivedBytes);
  const total = Number(error.detail?.totalBytes);
  if (url && Number.isFinite(received) && received > 0) {
    const file = url.slice(url.lastIndexOf('/') + 1);
    const of = Number.isFinite(total) ? ` of ${formatBytes(total)}` : '';
    const next =
      Number(error.detail?.resumable) && Number.isFinite(total)
        ? `Try again to download only the rest (${formatBytes(Math.max(0, total - received))})`
        : 'The host cannot resume it, so trying again downloads this file once more';
    return `The connection was lost after ${formatBytes(received)}${of} of ${file} (${url}). ${next}; files already downloaded are kept.`;
  }
  return `A model file could not be downloaded${url ? ` (${url}${status ? `, HTTP ${status}` : ''})` : ''}. Check the connection and try again; files already downloaded are kept.`;
}

/** The message and actions for an error, specific to what went wrong. */
export function describeError(error: SerializedError, context: ErrorContext = {}): FriendlyError {
  const code = classifyError(error);
  const url = detailText(error, 'url');
  const status = detailText(error, 'status');
  const base = { code, original: error };
  switch (code) {
    case 'no-webgpu':
      return {
        ...base,
        title: 'This browser has no WebGPU',
        message:
          'edge-llm runs the model on your GPU through WebGPU. Use Chrome or Edge 113+ on Windows, macOS or ChromeOS, Chrome 121+ on Android, Safari 26+, or Firefox 141+ on Windows. On Linux, start Chrome with --enable-unsafe-webgpu (and --enable-features=Vulkan). The page must be served over HTTPS or from localhost.',
        actions: ['webgpu-help', 'reload-page'],
      };
    case 'no-adapter':
      return {
        ...base,
        title: 'No GPU adapter was offered',
        message:
          'WebGPU is present but the browser offered no GPU adapter: the GPU may be blocklisted, hardware acceleration turned off, or the GPU process crashed. Turn on hardware acceleration in the browser settings, update the GPU driver, then reload.',
        actions: ['webgpu-help', 'reload-page'],
      };
    case 'needs-f16':
      return {
        ...base,
        title: 'This model needs shader-f16',
        message:
          'The model computes in 16-bit floats (the shader-f16 feature), which this GPU or browser does not offer. Pick its q4f32 twin: the same model with 32-bit activations.',
        actions: ['use-alternative', 'pick-another-model'],
      };
    case 'feature-missing':
      return {
        ...base,
        title: 'A GPU feature is missing',
        message: `The model needs a WebGPU feature this device does not offer. ${error.message}`,
        actions: ['pick-another-model'],
      };
    case 'limits-exceeded':
      return {
        ...base,
        title: 'The model asks for more than this GPU allows',
        message: `The model's buffers are larger than this GPU's WebGPU limits allow (${error.message}). Pick a low-resource or "-1k" variant.`,
        actions: ['pick-another-model'],
      };
    case 'out-of-memory':
      return {
        ...base,
        title: 'Out of GPU memory',
        message:
          'The GPU ran out of memory. Close other tabs that use the GPU, or pick a smaller model or its "-1k" context variant.',
        actions: ['pick-another-model', 'retry'],
      };
    case 'device-lost':
      return {
        ...base,
        title: 'The GPU device was lost',
        message:
          'The browser took the GPU away (usually memory pressure, a driver reset or the GPU process crashing). Your conversation is kept. Reload the model, or pick a smaller one.',
        actions: context.canReloadModel
          ? ['reload-model', 'pick-another-model', 'reload-page']
          : ['retry', 'pick-another-model', 'reload-page'],
      };
    case 'download-failed':
      return {
        ...base,
        title: 'A download failed',
        message: downloadFailedMessage(error, url, status),
        actions: ['retry', 'pick-another-model'],
      };
    case 'storage-refused':
      return {
        ...base,
        title: 'This window cannot keep the model',
        message: storageRefusedMessage(error),
        actions: [],
      };
    case 'quota-exceeded':
      return {
        ...base,
        title: 'Not enough storage for this model',
        message:
          'The browser refused to store more model files. Free space by deleting cached models or site data, or pick a smaller model.',
        actions: ['pick-another-model', 'retry'],
      };
    case 'storage-insufficient': {
      const needed = Number(error.detail?.neededBytes);
      const free = Number(error.detail?.freeBytes);
      const quota = Number(error.detail?.quotaBytes);
      return {
        ...base,
        title: 'Not enough free storage to download this model',
        message: `The download was not started: it needs ${formatBytes(needed)}, and ${formatBytes(free)} is free of this site's ${formatBytes(quota)} storage quota. Delete cached models under Storage, free space on the device (the browser's quota grows with free disk space), or pick a smaller model.`,
        actions: ['pick-another-model', 'retry'],
      };
    }
    case 'cached-file-corrupt':
      return {
        ...base,
        title: 'A stored model file was corrupt',
        message: `The copy of the model stored in this browser${url ? ` (${url})` : ''} could not be read (${error.message}), so every stored file of the model was deleted. Restart the engine to download it again, or pick another model.`,
        actions: ['restart-worker', 'pick-another-model'],
      };
    case 'model-config-invalid':
      return {
        ...base,
        title: 'The model configuration is invalid',
        message: `The model's configuration could not be read${url ? ` from ${url}` : ''}: ${error.message}`,
        actions: ['pick-another-model', 'retry'],
      };
    case 'model-file-missing':
      return {
        ...base,
        title: 'The model folder is incomplete',
        message: `A file the model needs is missing${url ? `: ${url}` : ''}${status ? ` (HTTP ${status})` : ''}. Check the folder or mirror holds every file of the model.`,
        actions: ['pick-another-model', 'retry'],
      };
    case 'model-file-invalid':
      return {
        ...base,
        title: 'The model file is corrupt',
        message: `The model weights${url ? ` at ${url}` : ''} could not be read: the file may be truncated, corrupt or not an ONNX model. Download it again or pick another model.`,
        actions: ['pick-another-model', 'retry'],
      };
    case 'gguf-invalid':
      return {
        ...base,
        title: 'The GGUF file is not a valid model',
        message: `llama.cpp could not read the model file${url ? ` at ${url}` : ''}: ${error.message} Download it again, or pick another model.`,
        actions: ['pick-another-model', 'retry'],
      };
    case 'architecture-unsupported':
      return {
        ...base,
        title: 'llama.cpp cannot run this kind of model',
        message: `The file is a GGUF model of an architecture this version of llama.cpp does not know (${error.message}). Pick another model, or a GGUF conversion of a supported one (Llama, Qwen2, Phi-3, SmolLM2...).`,
        actions: ['pick-another-model'],
      };
    case 'quantization-unsupported':
      return {
        ...base,
        title: 'The model is stored in a format llama.cpp does not know',
        message: `A tensor of the model uses a quantization type this version of llama.cpp cannot read (${error.message}). Pick a Q4_K_M, Q4_0 or Q8_0 file of the model.`,
        actions: ['pick-another-model'],
      };
    case 'synthetic-unsupported':
      return {
        ...base,
        title: 'This model cannot be measured without downloading it',
        message: `${error.message} Benchmark the real model instead (it is downloaded once and stored), or preview another model.`,
        actions: ['pick-another-model'],
      };
    case 'wasm-memory-exceeded':
      return {
        ...base,
        title: 'The model is too large for WebAssembly memory',
        message: `${error.message} llama.cpp on the CPU holds the whole model in WebAssembly memory, which cannot grow past 4 GiB. Pick a smaller quantization (Q4_K_M or Q4_0) or a smaller model.`,
        actions: ['pick-another-model'],
      };
    case 'invalid-output':
      return {
        ...base,
        title: 'The model produced bytes that are not text',
        message:
          'The reply contained a byte sequence that is not valid UTF-8, so llama.cpp could not pass it on. The model is still loaded: send the message again, rephrase it, or raise the temperature.',
        actions: ['retry', 'new-conversation'],
      };
    case 'engine-crashed':
      return {
        ...base,
        title: 'llama.cpp stopped',
        message: `llama.cpp's WebAssembly runtime aborted (${error.message}). Your conversation is kept; restart the engine and load the model again.`,
        actions: ['restart-worker', 'pick-another-model'],
      };
    case 'model-lib-missing':
      return {
        ...base,
        title: 'The model library is missing',
        message: `The compiled model library (the .wasm file with the model's GPU kernels) was not found${url ? ` at ${url}` : ''}${status ? ` (HTTP ${status})` : ''}. The model host or mirror may be incomplete.`,
        actions: ['retry', 'pick-another-model'],
      };
    case 'model-lib-invalid':
      if (error.detail?.mismatch === 'runtime') {
        return {
          ...base,
          title: 'The model library was built for another version of web-llm',
          message: `The model library${url ? ` at ${url}` : ''} needs a runtime function this version of web-llm does not have: it was compiled for an older or newer runtime. Use the library built for this version (its file name names the runtime, e.g. v0_2_86), or pick another model.`,
          actions: ['pick-another-model'],
        };
      }
      return {
        ...base,
        title: 'The model library is not valid',
        message: `The file${url ? ` at ${url}` : ''} is not a WebAssembly model library this version of web-llm can run: it may be corrupt, an error page, or built for another version.`,
        actions: ['pick-another-model', 'retry'],
      };
    case 'model-in-another-tab': {
      const memoryMB = Number(error.detail?.memoryMB);
      return {
        ...base,
        title: 'This model is already loaded in another tab',
        message: `Another tab of this site holds this model on this GPU. Loading it here too keeps a second copy${
          memoryMB > 0 ? `, about ${Math.round(memoryMB)} MB more GPU memory` : ' in GPU memory'
        }. Move it here to keep one copy: the other tab lets go of it and keeps its conversation.`,
        actions: ['move-model-here', 'load-second-copy'],
      };
    }
    case 'model-move-failed':
      return {
        ...base,
        title: 'The other tab did not let go of the model',
        message:
          'The tab that holds this model did not answer (a tab in the background may be paused). Switch to it and unload the model there, or load a second copy here.',
        actions: ['move-model-here', 'load-second-copy'],
      };
    case 'context-window-exceeded':
      return {
        ...base,
        title: 'The conversation is longer than the model can read',
        message:
          "The prompt and history no longer fit the model's context window. Start a new conversation, shorten the message, or lower max tokens.",
        actions: ['new-conversation'],
      };
    case 'message-too-long': {
      const number = (key: string) => Number(error.detail?.[key]);
      const longest = number('maxMessageTokens');
      const chars = number('maxMessageChars');
      const room =
        longest > 0
          ? `a message can be at most ${longest} tokens${chars > 0 ? ` (about ${chars} characters)` : ''}`
          : 'no room is left for a message';
      return {
        ...base,
        title: 'This message is too long for the model',
        message: `Your message is ${number('messageTokens')} tokens. The model reads at most ${number('contextWindow')} tokens, of which ${number('reserveTokens')} are kept for the reply and ${number('overheadTokens')} go to the system prompt and the chat template, so ${room}. Shorten the message or send it in parts, lower max tokens, or shorten the system prompt.`,
        actions: [],
      };
    }
    case 'worker-crashed':
      return {
        ...base,
        title: 'The engine worker crashed',
        message:
          'The background worker that runs the model stopped. Your conversation is kept; restart the engine and load the model again.',
        actions: ['restart-worker', 'reload-page'],
      };
    case 'csp-blocked':
      return {
        ...base,
        title: "This page's security policy blocks the model",
        message: `The page's Content-Security-Policy refused what the model needs (${error.message}). The site must allow 'wasm-unsafe-eval' in script-src, blob: and the edge-llm host in worker-src, and the engine and model hosts in connect-src.`,
        actions: ['reload-page'],
      };
    case 'model-not-loaded':
      return {
        ...base,
        title: 'No model is loaded',
        message: 'Load a model before sending a message.',
        actions: ['pick-another-model'],
      };
    case 'correctness-unsupported':
      return {
        ...base,
        title: 'This engine cannot check correctness',
        message: `${error.message} The check reads a fixed text through the model in one pass (teacher forcing) on this device and on the CPU, and compares the next-token choices; this engine does not offer that pass. Check the same model in transformers.js, or run without the correctness check.`,
        actions: ['pick-another-model'],
      };
    case 'unknown':
      return {
        ...base,
        title: 'Something went wrong',
        message: `${error.name}: ${error.message}`,
        actions: ['retry', 'pick-another-model'],
      };
  }
}
