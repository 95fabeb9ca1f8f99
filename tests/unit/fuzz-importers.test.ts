/**
 * Fuzzing what a visitor or a host page hands the app: imported model lists, benchmark and
 * evaluation files, share links, saved conversations and self-hosted URLs. Each property runs
 * FUZZ_RUNS (1,000) seeded mutations of a valid input (seed FUZZ_SEED, printed on failure; set
 * both in the environment to explore further): no input throws, none takes longer than a fraction
 * of a second, and every rejection names the field it is about (or says the whole file is not
 * JSON, too large or not an edge-llm file).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBenchResult } from '../../src/core/bench-schema.js';
import { parseEvalResult } from '../../src/core/eval-schema.js';
import { checkMirrorBase, isHttpUrl } from '../../src/core/mirror-urls.js';
import { MODEL_LIST_SCHEMA, parseModelList } from '../../src/core/model-list.js';
import { readSavedConversation, SAVED_CONVERSATION_VERSION } from '../../src/core/saved-conversation.js';
import { decodeResultFragment, encodeResultFragment } from '../../src/core/share-link.js';
import { customTransformersRecord } from '../../src/core/transformers-catalog.js';
import { sampleProbe, sampleResult } from './bench-fixture.js';
import { sampleEval } from './eval-fixture.js';
import { FUZZ_RUNS, FUZZ_SEED, keyNames, mutated, mutatedText, withinTime, type Json } from './fuzz-mutations.js';

const options = { seed: FUZZ_SEED, numRuns: FUZZ_RUNS };
/** Far above any real parse (a few ms) yet well below a hang; generous for a busy CI machine. */
const LIMIT_MS = 3000;

/** Rejections about the file as a whole rather than one field. */
const WHOLE_FILE =
  /not valid JSON|not JSON|truncated|too large|too long|not an edge-llm|must be an object \(got|holds no|garbled/i;

/** True when the message names one of the input's fields (a key of the valid input). */
function namesAField(message: string, fields: Set<string>): boolean {
  return [...fields].some((field) => new RegExp(`(^|[^\\w])${field}([^\\w]|$)`).test(message));
}

/**
 * Most mutations break a file: when fewer are refused, the mutations (not the reader) have
 * stopped reaching the fields, and the property would pass without testing anything.
 */
function expectMostRejected(rejected: number): void {
  expect(rejected).toBeGreaterThan(FUZZ_RUNS * 0.5);
}

function expectNamed(message: string, fields: Set<string>): void {
  expect(namesAField(message, fields) || WHOLE_FILE.test(message), `names no field: ${message}`).toBe(true);
}

const MODEL_LIST: Json = {
  schema: MODEL_LIST_SCHEMA,
  webllm: [
    {
      model_id: 'SmolLM2-360M-Instruct-q4f32_1-MLC',
      model: 'https://huggingface.co/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC',
      model_lib: 'https://raw.githubusercontent.com/mlc-ai/libs/SmolLM2-360M-Instruct-q4f32_1_cs1k-webgpu.wasm',
      vram_required_MB: 579.61,
      low_resource_required: true,
      required_features: ['shader-f16'],
      overrides: { context_window_size: 4096 },
    },
  ],
  transformers: [
    { model: 'onnx-community/Qwen2.5-0.5B-Instruct', dtype: 'q4' },
    { url: 'https://models.intranet.example/tiny/', dtype: 'fp32', name: 'Tiny' },
  ],
};

describe('fuzzing the model list importer', () => {
  const fields = keyNames(MODEL_LIST);
  it(`${FUZZ_RUNS} mutated lists: no throw, no hang, a named field for every rejection, nothing unsafe accepted`, () => {
    let rejected = 0;
    fc.assert(
      fc.property(mutatedText(MODEL_LIST), (text) => {
        const result = withinTime(LIMIT_MS, () => parseModelList(text));
        if (!result.ok) {
          rejected += 1;
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) expectNamed(error, fields);
          return;
        }
        for (const entry of result.models.webllm ?? []) {
          const record = entry as { model: string; model_lib: string };
          expect(isHttpUrl(record.model) && isHttpUrl(record.model_lib)).toBe(true);
        }
        for (const folder of result.models.transformers ?? []) expect(isHttpUrl(folder.url)).toBe(true);
      }),
      options,
    );
    expectMostRejected(rejected);
  });
});

describe('fuzzing the benchmark file importer', () => {
  const valid = { ...sampleResult(), probe: sampleProbe() } as unknown as Json;
  const fields = keyNames(valid);
  it(`${FUZZ_RUNS} mutated files: no throw, no hang, a named field for every rejection`, () => {
    let rejected = 0;
    fc.assert(
      fc.property(mutatedText(valid), (text) => {
        const result = withinTime(LIMIT_MS, () => parseBenchResult(text));
        if (!result.ok) {
          rejected += 1;
          expectNamed(result.error, fields);
        } else {
          expect(result.value.runs.length).toBe(result.value.summary.length);
        }
      }),
      options,
    );
    expectMostRejected(rejected);
  });
});

describe('fuzzing the evaluation file importer', () => {
  const valid = sampleEval() as unknown as Json;
  const fields = keyNames(valid);
  it(`${FUZZ_RUNS} mutated files: no throw, no hang, a named field for every rejection`, () => {
    let rejected = 0;
    fc.assert(
      fc.property(mutatedText(valid), (text) => {
        const result = withinTime(LIMIT_MS, () => parseEvalResult(text));
        if (!result.ok) {
          rejected += 1;
          expectNamed(result.error, fields);
        }
      }),
      options,
    );
    expectMostRejected(rejected);
  });
});

describe('fuzzing share links', () => {
  const valid = sampleResult();
  const fields = keyNames(valid as unknown as Json);
  it(`${FUZZ_RUNS} mutated links (their result, or the link text itself): never throw, every rejection says why`, async () => {
    const link = await encodeResultFragment(valid);
    const links = fc.oneof(
      mutated(valid as unknown as Json).map((value) => ({ value })),
      fc
        .array(fc.tuple(fc.nat({ max: link.length - 1 }), fc.string({ minLength: 0, maxLength: 3 })), {
          minLength: 1,
          maxLength: 4,
        })
        .map((edits) => ({ text: edits.reduce((out, [at, s]) => out.slice(0, at) + s + out.slice(at + 1), link) })),
    );
    await fc.assert(
      fc.asyncProperty(links, async (input) => {
        const fragment =
          'text' in input ? input.text : await encodeResultFragment(input.value as unknown as typeof valid);
        const start = performance.now();
        const result = await decodeResultFragment(fragment);
        expect(performance.now() - start).toBeLessThan(LIMIT_MS);
        if (!result.ok) expectNamed(result.error, fields);
      }),
      { ...options, numRuns: FUZZ_RUNS },
    );
  }, 300_000);
});

describe('fuzzing saved conversation records', () => {
  const valid: Json = {
    version: SAVED_CONVERSATION_VERSION,
    savedAt: 1_700_000_000_000,
    settings: { systemPrompt: 'Be brief.', maxTokens: 64, temperature: 0.7, engine: 'transformers', model: 'm@q4' },
    turns: [
      { role: 'user', text: 'Hello' },
      { role: 'assistant', text: 'Hi!', partial: true },
    ],
  };
  it(`${FUZZ_RUNS} damaged records restore what they can as text, or nothing, and never throw`, () => {
    fc.assert(
      fc.property(mutated(valid), (record) => {
        const restored = withinTime(LIMIT_MS, () => readSavedConversation(record));
        if (!restored) return;
        for (const turn of restored.turns) {
          expect(['user', 'assistant']).toContain(turn.role);
          expect(typeof turn.text).toBe('string');
        }
        const { maxTokens, temperature } = restored.settings;
        if (maxTokens !== undefined) expect(Number.isInteger(maxTokens) && maxTokens >= 1).toBe(true);
        if (temperature !== undefined) expect(temperature >= 0 && temperature <= 2).toBe(true);
      }),
      options,
    );
  });
});

describe('fuzzing self-hosted URLs', () => {
  const urls = fc.oneof(
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.string(),
    fc.constantFrom('javascript:alert(1)', 'data:text/html,<script>1</script>', 'file:///etc/passwd', '//x', 'http://'),
  );
  it(`${FUZZ_RUNS} mirror base URLs: an accepted base is an http(s) folder with no query; a refusal says why`, () => {
    fc.assert(
      fc.property(urls, (input) => {
        const check = withinTime(LIMIT_MS, () => checkMirrorBase(input));
        if (!check.ok) {
          expect(check.message.length).toBeGreaterThan(10);
          return;
        }
        const url = new URL(check.base);
        expect(['http:', 'https:']).toContain(url.protocol);
        expect(url.search + url.hash).toBe('');
        expect(check.base.endsWith('/')).toBe(true);
      }),
      options,
    );
  });

  it(`${FUZZ_RUNS} model folder URLs and weights: a catalog row, never a throw`, () => {
    fc.assert(
      fc.property(urls, fc.string({ maxLength: 12 }), (url, dtype) => {
        if (!isHttpUrl(url)) return;
        const record = withinTime(LIMIT_MS, () => customTransformersRecord({ url, dtype }));
        expect(record.id.startsWith(url.replace(/\/+$/, ''))).toBe(true);
        expect(record.engine).toBe('transformers');
      }),
      options,
    );
  });
});
