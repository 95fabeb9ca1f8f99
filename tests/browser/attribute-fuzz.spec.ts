/**
 * Fuzzing what a host page controls on `<edge-llm-chat>`: 1,000 seeded random sets of attributes
 * (and changes of them on a live element), from the library build. No set may throw, hang or
 * leave the element unusable: every element renders its message box, and chats given nonsense
 * numbers still answer through the engine double, with the numbers brought back into range.
 */
import fc from 'fast-check';
import { expect, test } from './test.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const BATCH = 100;

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', ' ', '<img src=x onerror="window.__fuzzed=1">', 'javascript:alert(1)', 'x'.repeat(5000)),
);
const number = fc.oneof(
  fc.integer({ min: -1e9, max: 1e9 }).map(String),
  fc.double().map(String),
  fc.constantFrom('', 'NaN', 'Infinity', '-0', '1e309', '0x10', 'twelve', ' 7 '),
);
const attributes = fc.record(
  {
    engine: fc.oneof(fc.constantFrom('webllm', 'transformers', 'llamacpp', 'double', 'DOUBLE', ''), text),
    model: fc.oneof(fc.constantFrom('double-flood', 'https://x.example/m@q4', ''), text),
    'system-prompt': text,
    'max-tokens': number,
    temperature: number,
    device: fc.oneof(fc.constantFrom('webgpu', 'wasm', 'cpu', ''), text),
    threads: number,
    persist: fc.constantFrom('', 'false', 'persist'),
    'storage-key': text,
    'show-stats': fc.constantFrom('', 'false'),
  },
  { requiredKeys: [] },
);

test('1,000 random attribute sets never throw, hang or leave a chat unusable', async ({ page, server }) => {
  test.setTimeout(300_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.route(/^(?!http:\/\/(127\.0\.0\.1|localhost)[:/])/, (route) => route.abort());
  await page.goto(`${server.url}/embed.html`);
  await page.evaluate(async () => {
    const library = '/lib/edge-llm.js';
    await import(library);
    await customElements.whenDefined('edge-llm-chat');
  });

  const sets = fc.sample(attributes, { seed: SEED, numRuns: RUNS });
  for (let start = 0; start < sets.length; start += BATCH) {
    const batch = sets.slice(start, start + BATCH);
    const unusable = await page.evaluate(async (batch) => {
      const broken: string[] = [];
      const host = document.createElement('div');
      document.body.append(host);
      for (const [i, set] of batch.entries()) {
        const chat = document.createElement('edge-llm-chat');
        for (const [name, value] of Object.entries(set)) chat.setAttribute(name, value);
        host.append(chat);
        await chat.updateComplete;
        // The same element again with every attribute changed, as a host page's script might.
        for (const [name, value] of Object.entries(batch[(i + 1) % batch.length]!)) chat.setAttribute(name, value);
        await chat.updateComplete;
        if (!chat.shadowRoot?.querySelector('textarea[name="message"]')) broken.push(JSON.stringify(set));
        chat.remove();
      }
      host.remove();
      return broken;
    }, batch);
    expect(unusable, `sets ${start}-${start + batch.length}`).toEqual([]);
  }
  expect(errors).toEqual([]);
  expect(await page.evaluate(() => (window as { __fuzzed?: number }).__fuzzed)).toBeUndefined();

  // Nonsense numbers are brought back into range: a chat with them still answers.
  const numbers = fc.sample(fc.record({ maxTokens: number, temperature: number }), { seed: SEED, numRuns: 5 });
  for (const { maxTokens, temperature } of numbers) {
    const reply = await page.evaluate(
      async ({ maxTokens, temperature }) => {
        const chat = document.createElement('edge-llm-chat');
        chat.setAttribute('engine', 'double');
        chat.setAttribute('model', 'double-flood');
        chat.setAttribute('max-tokens', maxTokens);
        chat.setAttribute('temperature', temperature);
        document.body.append(chat);
        try {
          const stats = await chat.send('Hello');
          return { tokens: stats.outputTokens, maxTokens: chat.maxTokens, temperature: chat.temperature };
        } finally {
          chat.remove();
        }
      },
      { maxTokens, temperature },
    );
    expect(reply.tokens).toBeGreaterThan(0);
    expect(reply.tokens).toBeLessThanOrEqual(32768);
  }
  expect(errors).toEqual([]);
});
