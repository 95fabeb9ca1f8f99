/**
 * The transformers.js adapter against a mocked module: `FakeTransformers` (a test double
 * standing in for @huggingface/transformers) records what the adapter asks of it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineProgress } from '../../workers/engines/engine.js';
import { TransformersEngine, type TransformersModule } from '../../workers/engines/transformers-engine.js';

interface Calls {
  tokenizer: { name: string; options: Record<string, unknown> }[];
  model: { name: string; options: Record<string, unknown> }[];
  generate: Record<string, unknown>[];
  disposed: number;
  interrupted: number;
}

function fakeTransformers(script: { output?: number[]; eos?: number; maxPosition?: number; progress?: boolean } = {}) {
  const calls: Calls = { tokenizer: [], model: [], generate: [], disposed: 0, interrupted: 0 };
  const env = {
    backends: { onnx: { wasm: {} as Record<string, unknown> } },
    allowLocalModels: false,
    allowRemoteModels: true,
    localModelPath: '/models/',
  };
  const prompt = [1, 2, 3, 4];
  class FakeStoppingCriteria {
    interrupted = false;
    interrupt() {
      this.interrupted = true;
      calls.interrupted += 1;
    }
  }
  class FakeTextStreamer {
    constructor(
      readonly tokenizer: unknown,
      readonly options: { token_callback_function: (ids: bigint[]) => void; callback_function: (text: string) => void },
    ) {}
  }
  const tokenizer = {
    apply_chat_template: (messages: unknown[], options: Record<string, unknown>) => {
      // Counting asks for plain ids: as many as the messages' characters, plus 3 for the header.
      if (options.return_tensor === false) {
        expect(options).toMatchObject({ add_generation_prompt: true, tokenize: true, return_dict: false });
        const text = (messages as { content: string }[]).map((message) => message.content).join('');
        return Array.from({ length: text.length + 3 }, (_, index) => index);
      }
      expect(options).toMatchObject({ add_generation_prompt: true, return_dict: true });
      expect(messages.length).toBeGreaterThan(0);
      return { input_ids: { dims: [1, prompt.length] }, attention_mask: { dims: [1, prompt.length] } };
    },
  };
  const model = {
    config: { max_position_embeddings: script.maxPosition ?? 512 },
    generation_config: { eos_token_id: script.eos ?? 2 },
    dispose: async () => {
      calls.disposed += 1;
    },
    generate: async (
      options: Record<string, unknown> & { streamer: FakeTextStreamer; stopping_criteria: FakeStoppingCriteria },
    ) => {
      calls.generate.push(options);
      const output = script.output ?? [10, 11, 12];
      for (const id of output) {
        if (options.stopping_criteria.interrupted) break;
        options.streamer.options.token_callback_function([BigInt(id)]);
        options.streamer.options.callback_function(`t${id} `);
      }
      return { data: BigInt64Array.from([...prompt, ...output].map(BigInt)) };
    },
  };
  const module = {
    env,
    AutoTokenizer: {
      from_pretrained: async (name: string, options: Record<string, unknown>) => {
        calls.tokenizer.push({ name, options });
        return tokenizer;
      },
    },
    AutoModelForCausalLM: {
      from_pretrained: async (
        name: string,
        options: Record<string, unknown> & { progress_callback?: (info: unknown) => void },
      ) => {
        calls.model.push({ name, options });
        if (script.progress) {
          options.progress_callback?.({
            status: 'progress',
            file: 'onnx/model.onnx',
            loaded: 50,
            total: 100,
            progress: 50,
          });
          options.progress_callback?.({
            status: 'progress',
            file: 'config.json',
            loaded: 10,
            total: 10,
            progress: 100,
          });
          options.progress_callback?.({ status: 'done', file: 'onnx/model.onnx' });
        }
        return model;
      },
    },
    TextStreamer: FakeTextStreamer,
    InterruptableStoppingCriteria: FakeStoppingCriteria,
  } as unknown as TransformersModule;
  return { module, calls, env };
}

const request = { messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 20, temperature: 0 };

afterEach(() => vi.unstubAllGlobals());

describe('TransformersEngine', () => {
  it('loads a hub model with its dtype on WebGPU and reports progress over all files', async () => {
    const { module, calls, env } = fakeTransformers({ progress: true });
    const engine = new TransformersEngine(async () => module);
    const progress: EngineProgress[] = [];
    await engine.load('onnx-community/Qwen2.5-0.5B-Instruct@q4', (p) => progress.push(p), new AbortController().signal);
    expect(calls.model[0]).toMatchObject({
      name: 'onnx-community/Qwen2.5-0.5B-Instruct',
      options: { dtype: 'q4', device: 'webgpu' },
    });
    expect(env.allowRemoteModels).toBe(true);
    const wasmPaths = env.backends.onnx.wasm.wasmPaths as { mjs: string; wasm: string };
    expect(wasmPaths.wasm).toMatch(/ort-wasm-simd-threaded\.asyncify.*\.wasm$/);
    expect(wasmPaths.mjs).not.toContain('cdn');
    const downloads = progress.filter((p) => p.phase === 'downloading');
    expect(downloads.at(-1)).toMatchObject({ loadedBytes: 60, totalBytes: 110 });
    expect(progress.some((p) => p.phase === 'compiling')).toBe(true);
  });

  it('reads a self-hosted folder from its own host, never from the hub, on the device asked for', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(null, { status: 200 })),
    );
    const { module, calls, env } = fakeTransformers();
    const engine = new TransformersEngine(async () => module);
    await engine.load('http://127.0.0.1:9/fixtures/onnx-tiny@fp32', () => undefined, new AbortController().signal, {
      device: 'wasm',
    });
    expect(env).toMatchObject({
      allowLocalModels: false,
      allowRemoteModels: true,
      remoteHost: 'http://127.0.0.1:9/fixtures/',
      remotePathTemplate: '{model}/',
    });
    expect(calls.model[0]).toMatchObject({ name: 'onnx-tiny', options: { dtype: 'fp32', device: 'wasm' } });
  });

  it('reads a hub model from the mirror when one is set, checking its files there first', async () => {
    const fetched: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        fetched.push(String(url));
        return new Response(null, { status: 200 });
      }),
    );
    const { module, calls, env } = fakeTransformers();
    const engine = new TransformersEngine(async () => module);
    const mirror = 'http://127.0.0.1:9/models/';
    await engine.load('onnx-community/Qwen2.5-0.5B-Instruct@q4', () => undefined, new AbortController().signal, {
      custom: { mirror: { transformers: mirror } },
    });
    expect(env).toMatchObject({ remoteHost: mirror, remotePathTemplate: '{model}/resolve/{revision}/' });
    expect(calls.model[0]).toMatchObject({ name: 'onnx-community/Qwen2.5-0.5B-Instruct' });
    const folder = `${mirror}onnx-community/Qwen2.5-0.5B-Instruct/resolve/main/`;
    expect(fetched).toEqual([`${folder}config.json`, `${folder}tokenizer.json`, `${folder}onnx/model_q4.onnx`]);

    // Without the mirror the same model comes from the hub again.
    await engine.load('onnx-community/Qwen2.5-0.5B-Instruct@q4', () => undefined, new AbortController().signal);
    expect(env).toMatchObject({ remoteHost: 'https://huggingface.co/' });
  });

  it('names the file a mirror lacks', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => new Response(null, { status: String(url).endsWith('.onnx') ? 404 : 200 })),
    );
    const { module } = fakeTransformers();
    const engine = new TransformersEngine(async () => module);
    await expect(
      engine.load('a/b@fp16', () => undefined, new AbortController().signal, {
        custom: { mirror: { transformers: 'http://127.0.0.1:9/m/' } },
      }),
    ).rejects.toMatchObject({
      name: 'ModelFileMissingError',
      detail: { url: 'http://127.0.0.1:9/m/a/b/resolve/main/onnx/model_fp16.onnx', status: 404 },
    });
  });

  it('lists hub models from an imported list, without doubling catalog entries', async () => {
    const { module } = fakeTransformers();
    const engine = new TransformersEngine(async () => module);
    const models = await engine.listModels({
      transformersHub: [
        { model: 'edge-test/onnx-tiny', dtype: 'fp32', name: 'Tiny' },
        { model: 'HuggingFaceTB/SmolLM2-135M-Instruct', dtype: 'q4' },
      ],
    });
    expect(models[0]).toMatchObject({ id: 'edge-test/onnx-tiny@fp32', family: 'Tiny' });
    expect(models.filter((model) => model.id === 'HuggingFaceTB/SmolLM2-135M-Instruct@q4')).toHaveLength(1);
  });

  it('names the file a self-hosted folder lacks', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => new Response(null, { status: String(url).endsWith('tokenizer.json') ? 404 : 200 })),
    );
    const { module } = fakeTransformers();
    const engine = new TransformersEngine(async () => module);
    await expect(
      engine.load('http://127.0.0.1:9/fixtures/broken@fp32', () => undefined, new AbortController().signal),
    ).rejects.toMatchObject({
      name: 'ModelFileMissingError',
      detail: { url: 'http://127.0.0.1:9/fixtures/broken/tokenizer.json', status: 404 },
    });
  });

  it('turns an ONNX Runtime session failure into a corrupt-model error naming the file', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(null, { status: 200 })),
    );
    const { module } = fakeTransformers();
    (module.AutoModelForCausalLM as unknown as { from_pretrained: () => Promise<never> }).from_pretrained =
      async () => {
        throw new Error(
          "Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because protobuf parsing failed.",
        );
      };
    const engine = new TransformersEngine(async () => module);
    await expect(
      engine.load('http://127.0.0.1:9/fixtures/corrupt@fp32', () => undefined, new AbortController().signal),
    ).rejects.toMatchObject({
      name: 'ModelFileInvalidError',
      detail: { url: 'http://127.0.0.1:9/fixtures/corrupt/onnx/model.onnx' },
    });
  });

  it('streams text and counts tokens, decodes greedily at temperature 0, and keeps the output ids', async () => {
    const { module, calls } = fakeTransformers({ output: [10, 11, 12] });
    const engine = new TransformersEngine(async () => module);
    await engine.load('onnx-community/Qwen2.5-0.5B-Instruct@q4', () => undefined, new AbortController().signal);
    const deltas: [string, number][] = [];
    const result = await engine.generate(request, (text, tokens) => deltas.push([text, tokens]));
    expect(calls.generate[0]).toMatchObject({ max_new_tokens: 20, do_sample: false });
    expect(deltas).toEqual([
      ['', 1],
      ['t10 ', 0],
      ['', 1],
      ['t11 ', 0],
      ['', 1],
      ['t12 ', 0],
    ]);
    expect(result).toEqual({ promptTokens: 4, outputTokens: 3, finishReason: 'stop', figures: undefined });
    expect(engine.outputTokenIds()).toEqual([10, 11, 12]);
  });

  it('samples with the temperature asked for, and reports end-of-sequence and length correctly', async () => {
    const { module, calls } = fakeTransformers({ output: [10, 2] });
    const engine = new TransformersEngine(async () => module);
    await engine.load('onnx-community/Qwen2.5-0.5B-Instruct@q4', () => undefined, new AbortController().signal);
    expect((await engine.generate({ ...request, temperature: 0.7 }, () => undefined)).finishReason).toBe('stop');
    expect(calls.generate[0]).toMatchObject({ do_sample: true, temperature: 0.7 });
    const capped = await engine.generate({ ...request, maxTokens: 2 }, () => undefined);
    expect(capped.finishReason).toBe('stop');
    const { module: longModule } = fakeTransformers({ output: [10, 11] });
    const longEngine = new TransformersEngine(async () => longModule);
    await longEngine.load('onnx-community/Qwen2.5-0.5B-Instruct@q4', () => undefined, new AbortController().signal);
    expect((await longEngine.generate({ ...request, maxTokens: 2 }, () => undefined)).finishReason).toBe('length');
  });

  it('interrupts through the stopping criteria, and refuses prompts longer than the context', async () => {
    const { module, calls } = fakeTransformers({ output: [10, 11, 12, 13], maxPosition: 512 });
    const engine = new TransformersEngine(async () => module);
    await engine.load('onnx-community/Qwen2.5-0.5B-Instruct@q4', () => undefined, new AbortController().signal);
    const result = await engine.generate(request, (_text, tokens) => {
      if (tokens > 0) engine.interrupt();
    });
    expect(calls.interrupted).toBe(1);
    expect(result).toMatchObject({ outputTokens: 1, finishReason: 'aborted' });

    const { module: tiny } = fakeTransformers({ maxPosition: 4 });
    const short = new TransformersEngine(async () => tiny);
    await short.load('onnx-community/Qwen2.5-0.5B-Instruct@q4', () => undefined, new AbortController().signal);
    await expect(short.generate(request, () => undefined)).rejects.toMatchObject({
      name: 'ContextWindowSizeExceededError',
    });
  });

  it("counts a prompt with the model's chat template and tokenizer, generation prompt included", async () => {
    const { module } = fakeTransformers();
    const engine = new TransformersEngine(async () => module);
    await expect(engine.countPromptTokens(request.messages)).rejects.toMatchObject({ name: 'ModelNotLoadedError' });
    await engine.load('onnx-community/Qwen2.5-0.5B-Instruct@q4', () => undefined, new AbortController().signal);
    const messages = [
      { role: 'system' as const, content: 'sys' },
      { role: 'user' as const, content: 'hello' },
    ];
    expect(await engine.countPromptTokens(messages)).toBe(11);
  });

  it('disposes the model on unload, and a cancelled load ends in an AbortError', async () => {
    const { module, calls } = fakeTransformers();
    const engine = new TransformersEngine(async () => module);
    await engine.load('onnx-community/Qwen2.5-0.5B-Instruct@q4', () => undefined, new AbortController().signal);
    await engine.unload();
    expect(calls.disposed).toBe(1);
    const controller = new AbortController();
    controller.abort();
    await expect(
      engine.load('onnx-community/Qwen2.5-0.5B-Instruct@q4', () => undefined, controller.signal),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('ends a load whose download was cut off, even when transformers.js never settles it', async () => {
    const folder = 'http://127.0.0.1:9/fixtures/m/';
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init?: RequestInit) => {
        if (init?.method === 'HEAD') return new Response(null, { headers: { 'content-length': '1000' } });
        // Half the file, then the connection drops.
        let sent = false;
        const body = new ReadableStream<Uint8Array>(
          {
            pull(controller) {
              if (sent) return controller.error(new TypeError('network error'));
              sent = true;
              controller.enqueue(new Uint8Array(500));
            },
          },
          { highWaterMark: 0 },
        );
        return new Response(body, {
          headers: { 'content-length': '1000', 'accept-ranges': 'bytes', etag: '"v1"' },
        });
      }),
    );
    const { module, env } = fakeTransformers();
    // Like transformers.js with an external data file that fails: the file is read through
    // env.fetch, and the promise the load waits on never settles (getModelDataFiles).
    module.AutoModelForCausalLM.from_pretrained = (async () => {
      const response = await (env as unknown as { fetch: typeof fetch }).fetch(`${folder}onnx/model.onnx_data`);
      void response.arrayBuffer().catch(() => undefined);
      return new Promise(() => undefined);
    }) as unknown as typeof module.AutoModelForCausalLM.from_pretrained;
    const engine = new TransformersEngine(async () => module);
    await expect(
      engine.load(`${folder.slice(0, -1)}@fp32`, () => undefined, new AbortController().signal),
    ).rejects.toMatchObject({
      name: 'DownloadFailedError',
      detail: { url: `${folder}onnx/model.onnx_data`, receivedBytes: 500, keptBytes: 500, totalBytes: 1000 },
    });
  });
});
