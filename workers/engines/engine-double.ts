/**
 * EngineDouble: a test double that sits behind the engine interface. It does no inference.
 *
 * It exists so the worker, the page and the benchmark can be tested with exact, known timings,
 * and so `npm run bench:ui` can push tokens faster than any model. It still holds real GPU
 * buffers while "loaded", so the memory tracker is exercised for real. It is only selected
 * explicitly (`engine=double`); the app never offers it to visitors.
 */
import { forcedChoicesFromLogits } from '../../src/core/agreement.js';
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import { markdownSampleSection } from '../../src/core/markdown-sample.js';
import type {
  CustomModelSource,
  ForcedChoices,
  ForcedInput,
  GenerateRequest,
  ModelRecord,
} from '../../src/shared/engine-api.js';
import type { Engine, EngineGenerateResult, EngineLoadResult, EngineProgress } from './engine.js';

interface DoubleModel {
  id: string;
  /** Milliseconds the double "prefills" before its first token. */
  prefillMs: number;
  /** Milliseconds between tokens; 0 streams as fast as possible (or at `tokensPerSecond`). */
  tokenIntervalMs: number;
  /** With no interval: a steady rate, for measurements that need tokens spread over time. */
  tokensPerSecond?: number;
  /** Bytes of real GPU buffers held while loaded ("weights"). */
  weightBytes: number;
  /** Milliseconds a load takes (half "downloading", half "loading"); 100 when unset. */
  loadMs?: number;
  /**
   * Factor applied to the decode rate the double reports as its own, to stand for an engine
   * whose figures disagree with the wall clock. 1 when unset.
   */
  reportedDecodeSkew?: number;
  /** When set, generation throws an uncaught error in the worker (a crash) after this many tokens. */
  crashAfterTokens?: number;
  /** Tokens the double "reads" at most, prompt and reply together; 1,000,000 when unset. */
  contextWindow?: number;
}

const DEFAULT_CONTEXT_WINDOW = 1_000_000;

const MODELS: DoubleModel[] = [
  { id: 'double-timed', prefillMs: 300, tokenIntervalMs: 20, weightBytes: 2 * 2 ** 20 },
  { id: 'double-flood', prefillMs: 0, tokenIntervalMs: 0, weightBytes: 4 * 2 ** 20 },
  { id: 'double-paced', prefillMs: 0, tokenIntervalMs: 0, tokensPerSecond: 6000, weightBytes: 4 * 2 ** 20 },
  { id: 'double-slow-load', prefillMs: 50, tokenIntervalMs: 20, weightBytes: 2 * 2 ** 20, loadMs: 20_000 },
  // Three times the others' size, so a crash while it loads has smaller models to suggest.
  { id: 'double-big-slow-load', prefillMs: 50, tokenIntervalMs: 20, weightBytes: 6 * 2 ** 20, loadMs: 20_000 },
  { id: 'double-skewed', prefillMs: 100, tokenIntervalMs: 20, weightBytes: 2 * 2 ** 20, reportedDecodeSkew: 2 },
  { id: 'double-crash', prefillMs: 50, tokenIntervalMs: 20, weightBytes: 8 * 2 ** 20, crashAfterTokens: 5 },
  // A context window as small as the tiny ONNX model's, for long conversations in quick tests.
  { id: 'double-short-context', prefillMs: 20, tokenIntervalMs: 2, weightBytes: 2 * 2 ** 20, contextWindow: 512 },
];

const ECHO_PREFIX = 'echo:';
const MARKDOWN_PREFIX = 'markdown:';
/** The double's "vocabulary" for teacher forcing: text is read as UTF-8 bytes. */
const DOUBLE_VOCAB = 256;
const WORDS = ['The', 'edge', 'runs', 'small', 'models', 'on', 'your', 'own', 'GPU,', 'privately.'];

/** Yields to the worker's event loop without setTimeout's 4 ms clamp, so interrupts get through. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** About four characters a token, like common BPE vocabularies on English text. */
export function countDoubleTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The double's "chat template": each message's tokens and 4 around it. */
function promptTokensOf(messages: readonly { content: string }[]): number {
  return messages.reduce((sum, message) => sum + countDoubleTokens(message.content) + 4, 0);
}

/**
 * The double's reply: the user's text after "echo:"; after "markdown:", an endless realistic
 * Markdown reply (src/core/markdown-sample.ts); else endless filler words.
 */
function replyTokens(request: GenerateRequest): (index: number) => string | undefined {
  const last = request.messages.at(-1)?.content ?? '';
  if (last.startsWith(MARKDOWN_PREFIX)) {
    let text = '';
    let sections = 0;
    return (index) => {
      while (text.length < (index + 1) * 4) text += markdownSampleSection(sections++);
      return text.slice(index * 4, index * 4 + 4);
    };
  }
  if (last.startsWith(ECHO_PREFIX)) {
    const pieces =
      last
        .slice(ECHO_PREFIX.length)
        .trim()
        .match(/.{1,4}/gs) ?? [];
    return (index) => pieces[index];
  }
  return (index) => `${WORDS[index % WORDS.length]}${index % 40 === 39 ? '\n\n' : ' '}`;
}

export class EngineDouble implements Engine {
  readonly id = 'double' as const;
  private loaded: DoubleModel | undefined;
  private device: GPUDevice | undefined;
  private buffers: GPUBuffer[] = [];
  private interrupted = false;

  listModels(_custom?: CustomModelSource): Promise<ModelRecord[]> {
    return Promise.resolve(
      MODELS.map((model) => ({
        id: model.id,
        engine: 'double',
        kind: 'chat',
        family: 'Engine double',
        parameters: '0',
        parameterCount: 0,
        quantization: '',
        vramMB: model.weightBytes / 2 ** 20,
        contextWindow: model.contextWindow ?? DEFAULT_CONTEXT_WINDOW,
        requiredFeatures: [],
        bufferSizeRequiredBytes: undefined,
        lowResource: true,
        cached: true,
      })),
    );
  }

  async load(
    modelId: string,
    onProgress: (progress: EngineProgress) => void,
    signal: AbortSignal,
  ): Promise<EngineLoadResult> {
    const model = MODELS.find((candidate) => candidate.id === modelId);
    if (!model) throw edgeError(ERROR_NAMES.modelNotFound, `The engine double has no model "${modelId}".`);
    await this.unload();
    const steps = 20;
    const stepMs = (model.loadMs ?? 100) / steps;
    for (let step = 1; step <= steps; step += 1) {
      signal.throwIfAborted();
      await sleep(stepMs);
      const downloading = step <= steps / 2;
      const fraction = downloading ? step / (steps / 2) : (step - steps / 2) / (steps / 2);
      onProgress({
        phase: downloading ? 'downloading' : 'loading',
        fraction,
        loadedBytes: Math.round(fraction * model.weightBytes),
        totalBytes: model.weightBytes,
        detail: `Engine double: step ${step}/${steps}`,
      });
    }
    signal.throwIfAborted();
    await this.allocate(model.weightBytes);
    this.loaded = model;
    const contextWindow = model.contextWindow ?? DEFAULT_CONTEXT_WINDOW;
    return { fromCache: true, downloadedBytes: 0, weightBytes: model.weightBytes, contextWindow };
  }

  async generate(
    request: GenerateRequest,
    onDelta: (text: string, tokens: number) => void,
  ): Promise<EngineGenerateResult> {
    const model = this.loaded;
    if (!model) throw edgeError(ERROR_NAMES.modelNotLoaded, 'No model is loaded in the engine double.');
    this.interrupted = false;
    const promptTokens = promptTokensOf(request.messages);
    const contextWindow = model.contextWindow ?? DEFAULT_CONTEXT_WINDOW;
    if (promptTokens >= contextWindow) {
      throw edgeError(
        ERROR_NAMES.contextWindowExceeded,
        `The prompt has ${promptTokens} tokens; the model reads at most ${contextWindow}.`,
      );
    }
    const maxTokens = Math.min(request.maxTokens, contextWindow - promptTokens);
    const tokenAt = replyTokens(request);
    const start = performance.now();
    if (model.prefillMs > 0) await sleep(model.prefillMs);
    let firstTokenAt = 0;
    let lastTokenAt = 0;
    let produced = 0;
    let finishReason: EngineGenerateResult['finishReason'] = 'length';
    while (produced < maxTokens) {
      if (this.interrupted) {
        finishReason = 'aborted';
        break;
      }
      const text = tokenAt(produced);
      if (text === undefined) {
        finishReason = 'stop';
        break;
      }
      onDelta(text, 1);
      produced += 1;
      lastTokenAt = performance.now();
      if (produced === 1) firstTokenAt = lastTokenAt;
      if (model.crashAfterTokens !== undefined && produced >= model.crashAfterTokens) {
        // Simulates a worker crash: an error nothing catches, and a reply that never ends.
        setTimeout(() => {
          throw new Error('EngineDouble: simulated worker crash');
        });
        return new Promise(() => undefined);
      }
      if (model.tokenIntervalMs > 0) await sleep(model.tokenIntervalMs);
      else if (model.tokensPerSecond) {
        // Timers cannot wait a fraction of a millisecond: yield until the next token is due.
        while ((performance.now() - start) * model.tokensPerSecond < produced * 1000) await yieldToEventLoop();
      } else if (produced % 64 === 0) await yieldToEventLoop();
    }
    const prefillMs = (firstTokenAt || performance.now()) - start;
    const decodeMs = lastTokenAt - firstTokenAt;
    return {
      promptTokens,
      outputTokens: produced,
      finishReason,
      figures: {
        ttftMs: prefillMs,
        prefillTokensPerSecond: prefillMs > 0 ? (promptTokens * 1000) / prefillMs : 0,
        decodeTokensPerSecond:
          decodeMs > 0 ? (((produced - 1) * 1000) / decodeMs) * (model.reportedDecodeSkew ?? 1) : 0,
      },
    };
  }

  /** Counted as `generate` counts its prompt, so the chat's plan and the double agree exactly. */
  async countPromptTokens(messages: GenerateRequest['messages']): Promise<number> {
    if (!this.loaded) throw edgeError(ERROR_NAMES.modelNotLoaded, 'No model is loaded in the engine double.');
    return promptTokensOf(messages);
  }

  interrupt(): void {
    this.interrupted = true;
  }

  /** Teacher forcing on made-up logits: a fixed function of the token and position, the same every time. */
  async forcedChoices(input: ForcedInput): Promise<ForcedChoices> {
    if (!this.loaded) throw edgeError(ERROR_NAMES.modelNotLoaded, 'No model is loaded in the engine double.');
    const ids =
      'tokenIds' in input ? [...input.tokenIds] : [...new TextEncoder().encode(input.text)].slice(0, input.maxTokens);
    const logits = new Float32Array(ids.length * DOUBLE_VOCAB);
    ids.forEach((id, position) => {
      for (let v = 0; v < DOUBLE_VOCAB; v++) logits[position * DOUBLE_VOCAB + v] = Math.sin(id * 31 + v * 7 + position);
    });
    return forcedChoicesFromLogits(ids, logits, DOUBLE_VOCAB);
  }

  async unload(): Promise<void> {
    this.interrupted = true;
    for (const buffer of this.buffers) buffer.destroy();
    this.buffers = [];
    this.loaded = undefined;
    await Promise.resolve();
  }

  /** Holds real GPU memory, as a model's weights would. */
  private async allocate(bytes: number): Promise<void> {
    if (!this.device) {
      const adapter = await globalThis.navigator?.gpu?.requestAdapter();
      if (!adapter) return;
      this.device = await adapter.requestDevice();
    }
    const chunk = 2 ** 20;
    for (let offset = 0; offset < bytes; offset += chunk) {
      this.buffers.push(
        this.device.createBuffer({ size: Math.min(chunk, bytes - offset), usage: GPUBufferUsage.STORAGE }),
      );
    }
  }
}
