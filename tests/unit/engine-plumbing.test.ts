/**
 * The plumbing between elements and engines, without a browser: the page's engine pool and
 * client talk through comlink to a real EngineHost over a MessageChannel (a stand-in for the
 * worker), and the host runs a scripted engine double behind the engine interface.
 */
import { expose } from 'comlink';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient } from '../../src/client/engine-client.js';
import { EnginePool } from '../../src/client/engine-pool.js';
import { classifyError, serializeError } from '../../src/core/errors.js';
import '../../src/shared/comlink-errors.js';
import type { GenerateRequest, LoadProgress } from '../../src/shared/engine-api.js';
import { EngineHost, type EngineFactories } from '../../workers/engine-host.js';
import type { Engine, EngineProgress } from '../../workers/engines/engine.js';
import { GpuMemoryTracker } from '../../workers/gpu/memory-tracker.js';

beforeAll(() => {
  // Node has no ErrorEvent; the client reads `message` from the worker's error event.
  globalThis.ErrorEvent ??= class extends Event {
    readonly message: string;
    constructor(type: string, init: { message?: string } = {}) {
      super(type);
      this.message = init.message ?? '';
    }
  } as unknown as typeof ErrorEvent;
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A test double behind the engine interface: loads and replies on cue, and logs what it did. */
class ScriptedEngineDouble implements Engine {
  readonly id = 'double' as const;
  loads = 0;
  readonly log: string[];
  private releaseLoad: (() => void) | undefined;
  holdLoads = false;
  /** What the double's "tokenizer" answers; undefined when it cannot count. */
  countAnswer: number | undefined = 7;

  constructor(log: string[]) {
    this.log = log;
  }

  listModels() {
    return Promise.resolve([]);
  }

  async load(modelId: string, onProgress: (progress: EngineProgress) => void) {
    this.loads += 1;
    onProgress({ phase: 'downloading', fraction: 0.5, loadedBytes: 5, totalBytes: 10, detail: `fetching ${modelId}` });
    if (this.holdLoads) await new Promise<void>((resolve) => (this.releaseLoad = resolve));
    return { fromCache: false, downloadedBytes: 10, weightBytes: 100, contextWindow: 512 };
  }

  finishLoad(): void {
    this.releaseLoad?.();
  }

  async generate(request: GenerateRequest, onDelta: (text: string, tokens: number) => void) {
    const name = request.messages.at(-1)!.content;
    this.log.push(`start ${name}`);
    for (let i = 0; i < 3; i++) {
      await tick();
      onDelta(`${name}${i} `, 1);
    }
    this.log.push(`end ${name}`);
    return { promptTokens: 4, outputTokens: 3, finishReason: 'length' as const, figures: undefined };
  }

  async countPromptTokens(messages: GenerateRequest['messages']): Promise<number | undefined> {
    this.log.push(`count ${messages.length}`);
    return this.countAnswer;
  }

  interrupt(): void {}

  async unload(): Promise<void> {
    this.log.push('unload');
  }
}

/** A worker stand-in: one end of a MessageChannel, the host exposed on the other. */
class ChannelWorker extends EventTarget {
  terminated = false;
  readonly engine: ScriptedEngineDouble;
  private readonly port: MessagePort;

  constructor(log: string[]) {
    super();
    this.engine = new ScriptedEngineDouble(log);
    const factories = { double: () => Promise.resolve(this.engine) } as unknown as EngineFactories;
    let clock = 0;
    const host = new EngineHost(factories, new GpuMemoryTracker(), () => (clock += 10));
    const { port1, port2 } = new MessageChannel();
    expose(host, port2);
    this.port = port1;
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }

  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type === 'message') this.port.addEventListener('message', listener as EventListener);
    else super.addEventListener(type, listener);
    this.port.start();
  }

  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type === 'message') this.port.removeEventListener('message', listener as EventListener);
    else super.removeEventListener(type, listener);
  }

  terminate(): void {
    this.terminated = true;
    this.port.close();
  }

  /** What the browser does when a worker's script throws and nothing catches it. */
  crash(message: string): void {
    this.dispatchEvent(new ErrorEvent('error', { message }));
  }
}

let workers: ChannelWorker[] = [];
let log: string[] = [];

function factory(): Worker {
  const worker = new ChannelWorker(log);
  workers.push(worker);
  return worker as unknown as Worker;
}

const double = (model: string) => ({ engine: 'double' as const, model, device: 'webgpu' as const });
const ask = (content: string): GenerateRequest => ({
  messages: [{ role: 'user', content }],
  maxTokens: 3,
  temperature: 0,
});

afterEach(() => {
  for (const worker of workers) worker.terminate();
  workers = [];
  log = [];
});

describe('EnginePool', () => {
  it('gives two elements with one model one worker and one load, and ends it a task after the last release', async () => {
    const pool = new EnginePool(() => factory);
    const first = pool.acquire(double('m'));
    const second = pool.acquire(double('m'));
    expect(first.client).toBe(second.client);
    const progress: LoadProgress[] = [];
    const [a, b] = await Promise.all([first.load((p) => progress.push(p)), second.load(() => undefined)]);
    expect(a).toEqual(b);
    expect(workers).toHaveLength(1);
    expect(workers[0]!.engine.loads).toBe(1);
    expect(progress.map((p) => p.phase)).toEqual(['downloading', 'done']);
    expect(first.loaded && second.loaded).toBe(true);

    first.release();
    first.release(); // a second release of one lease counts once
    await tick();
    expect(pool.size).toBe(1);
    expect(workers[0]!.terminated).toBe(false);
    second.release();
    await tick();
    expect(pool.size).toBe(0);
    expect(workers[0]!.terminated).toBe(true);
  });

  it('keeps the worker when an element lets go and takes it again in the same task (moved in the page)', async () => {
    const pool = new EnginePool(() => factory);
    const lease = pool.acquire(double('m'));
    await lease.load(() => undefined);
    lease.release();
    const again = pool.acquire(double('m'));
    await tick();
    expect(again.loaded).toBe(true);
    expect(workers[0]!.terminated).toBe(false);
    expect(workers[0]!.engine.loads).toBe(1);
  });

  it('loads two models in two workers', async () => {
    const pool = new EnginePool(() => factory);
    await pool.acquire(double('a')).load(() => undefined);
    await pool.acquire(double('b')).load(() => undefined);
    expect(pool.size).toBe(2);
    expect(workers.map((worker) => worker.engine.loads)).toEqual([1, 1]);
  });

  it('serves replies on one model one at a time, in the order they were asked', async () => {
    const pool = new EnginePool(() => factory);
    const first = pool.acquire(double('m'));
    const second = pool.acquire(double('m'));
    await first.load(() => undefined);
    const texts = ['', ''];
    const replies = await Promise.all([
      first.generate(ask('one'), (batch) => (texts[0] += batch.text)),
      second.generate(ask('two'), (batch) => (texts[1] += batch.text)),
    ]);
    expect(log).toEqual(['start one', 'end one', 'start two', 'end two']);
    expect(texts).toEqual(['one0 one1 one2 ', 'two0 two1 two2 ']);
    expect(replies.map((stats) => stats.outputTokens)).toEqual([3, 3]);
  });

  it('forgets a load when the worker crashes, so the next load starts a fresh worker', async () => {
    const pool = new EnginePool(() => factory);
    const lease = pool.acquire(double('m'));
    await lease.load(() => undefined);
    workers[0]!.crash('out of memory in the worker');
    await tick();
    expect(lease.loaded).toBe(false);
    await lease.load(() => undefined);
    expect(workers).toHaveLength(2);
    expect(workers[1]!.engine.loads).toBe(1);
  });
});

describe('EngineClient', () => {
  it('rejects a call in flight when the worker crashes, as worker-crashed, and tells the crash listeners', async () => {
    const client = new EngineClient(factory);
    const crashes: Error[] = [];
    client.onCrash((error) => crashes.push(error));
    workers.length = 0;
    const loading = client.load('double', 'm', () => undefined);
    await tick();
    workers[0]!.engine.holdLoads = true;
    const held = client.load('double', 'm', () => undefined);
    await loading;
    workers[0]!.crash('the worker ran out of memory');
    const error = await held.catch((caught: unknown) => caught);
    expect(classifyError(serializeError(error))).toBe('worker-crashed');
    expect((error as Error).message).toContain('the worker ran out of memory');
    expect(crashes).toHaveLength(1);
    expect(workers[0]!.terminated).toBe(true);
    expect(client.started).toBe(false);
  });

  it('keeps nothing of a finished call: a long session of calls does not grow the page heap', async () => {
    const client = new EngineClient(factory);
    await client.load('double', 'm', () => undefined);
    for (let i = 0; i < 50; i += 1) await client.memory();
    await client.unload();
    await tick();
    // A call that raced a long-lived "crashed" promise left a reaction on it for the worker's
    // lifetime; the soak found the page heap growing by one per call.
    expect((client as unknown as { waiting: Set<unknown> }).waiting.size).toBe(0);
  });

  it('ends calls still waiting on a worker it replaces as cancelled, never leaving them hanging', async () => {
    const client = new EngineClient(factory);
    await client.load('double', 'm', () => undefined);
    workers[0]!.engine.holdLoads = true;
    const held = client.load('double', 'm', () => undefined);
    await tick();
    client.restart();
    const error = await held.catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
    expect(workers).toHaveLength(2);
    expect(workers[0]!.terminated).toBe(true);
  });
});

describe('EngineHost through the client', () => {
  it('refuses to reply before a model is loaded, with the model-not-loaded code', async () => {
    const client = new EngineClient(factory);
    const error = await client.generate(ask('hi'), () => undefined).catch((caught: unknown) => caught);
    expect(classifyError(serializeError(error))).toBe('model-not-loaded');
  });

  it("counts a prompt with the engine's tokenizer, estimates when the engine cannot, and needs a model", async () => {
    const client = new EngineClient(factory);
    const messages = [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'x'.repeat(30) },
    ];
    const early = await client.countPromptTokens(messages).catch((caught: unknown) => caught);
    expect(classifyError(serializeError(early))).toBe('model-not-loaded');
    await client.load('double', 'm', () => undefined);
    expect(await client.countPromptTokens(messages)).toEqual({ tokens: 7, method: 'tokenizer' });
    expect(log).toContain('count 2');
    workers[0]!.engine.countAnswer = undefined;
    // 8 for the reply header, 8 a message, a token per 3 bytes: 8 + (8 + 3) + (8 + 10).
    expect(await client.countPromptTokens(messages)).toEqual({ tokens: 37, method: 'estimate' });
  });

  it('times a reply with the worker clock and delivers every batch before the result', async () => {
    const client = new EngineClient(factory);
    const report = await client.load('double', 'm', () => undefined);
    expect(report).toMatchObject({ modelId: 'm', engine: 'double', fromCache: false, weightBytes: 100 });
    const batches: string[] = [];
    const stats = await client.generate(ask('go'), (batch) => batches.push(batch.text));
    expect(batches.join('')).toBe('go0 go1 go2 ');
    expect(stats.batches).toBe(batches.length);
    // The injected clock moves 10 ms per reading: figures are exact and engine-free.
    expect(stats.engine).toBeUndefined();
    expect(stats.ttftMs).toBeGreaterThan(0);
    expect(stats.decodeTokensPerSecond).toBeGreaterThan(0);
    expect(stats.outputTokens).toBe(3);
    await client.unload();
    expect(log.at(-1)).toBe('unload');
  });
});
