import { describe, expect, it } from 'vitest';
import { EVAL_CSV_HEADER, evalToCsv, evalToMarkdown } from '../../src/core/eval-format.js';
import { MAX_REPLY_CHARS, parseEvalResult, summarizeEvalRun, validateEvalResult } from '../../src/core/eval-schema.js';
import { wilsonInterval } from '../../src/core/eval/accuracy.js';
import { sampleEval, sampleItem, sampleRun } from './eval-fixture.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests write wrong types on purpose
function plain(): Record<string, any> {
  return JSON.parse(JSON.stringify(sampleEval()));
}

function errorOf(json: unknown): string {
  const result = validateEvalResult(json);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.error;
}

describe('summarizeEvalRun', () => {
  it('computes accuracy with its interval, seconds per item, medians and the peak', () => {
    const summary = summarizeEvalRun(
      sampleRun({
        items: [
          sampleItem('a', true, { ms: 1000, ttftMs: 50, decodeTokensPerSecond: 10 }),
          sampleItem('b', false, { ms: 3000, ttftMs: 150, decodeTokensPerSecond: 30, peakGpuMemoryBytes: 7 }),
          sampleItem('c', true, { ms: 2000, outputTokens: 1, ttftMs: 100, decodeTokensPerSecond: 0 }),
        ],
      }),
    );
    expect(summary.accuracy).toEqual({ correct: 2, total: 3, rate: 2 / 3, ...wilsonInterval(2, 3) });
    expect(summary.secondsPerItem).toBe(2);
    // One-token replies have no decode rate.
    expect(summary.decodeTokensPerSecond).toEqual({ median: 20, p10: 12, p90: 28, n: 2 });
    expect(summary.ttftMs.median).toBe(100);
    expect(summary.peakGpuMemoryBytes).toBe(300 * 2 ** 20);
    expect(summary.agreement).toBe(255 / 256);
  });
});

describe('validateEvalResult', () => {
  it('round-trips through JSON and recomputes the summary from the items', () => {
    const json = plain();
    json.summary = [{ accuracy: { rate: 1 } }];
    expect(validateEvalResult(json)).toEqual({ ok: true, value: sampleEval() });
    expect(parseEvalResult(JSON.stringify(sampleEval()))).toEqual({ ok: true, value: sampleEval() });
  });

  it('drops unknown fields and keeps hostile strings as data', () => {
    const json = plain();
    json.extra = 1;
    json.runs[0].items[0].reply = '<script>alert(1)</script>';
    const result = validateEvalResult(json);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect('extra' in result.value).toBe(false);
    expect(result.value.runs[0]!.items[0]!.reply).toBe('<script>alert(1)</script>');
  });

  it('names the first bad field', () => {
    const cases: [(json: ReturnType<typeof plain>) => void, string][] = [
      [
        (j) => (j.schema = 'edge-llm/bench@1'),
        'not an edge-llm evaluation file (schema "edge-llm/bench@1", expected "edge-llm/eval@1")',
      ],
      [
        (j) => (j.schema = 'edge-llm/eval@2'),
        'made by a newer edge-llm (schema "edge-llm/eval@2"); this version reads "edge-llm/eval@1": update edge-llm',
      ],
      [(j) => delete j.schema, 'not an edge-llm evaluation file (schema is missing)'],
      [(j) => (j.createdAt = 'yesterday'), 'createdAt must be an ISO 8601 date and time (got "yesterday")'],
      [(j) => (j.suite.kind = 'mine'), 'suite.kind must be one of built-in, user (got "mine")'],
      [(j) => (j.suite.lang = 'fr'), 'suite.lang must be one of en, zh (got "fr")'],
      [(j) => (j.settings.maxTokens = 0), 'settings.maxTokens must be at least 1'],
      [(j) => (j.runs[0].complete = 'yes'), 'runs[0].complete must be true or false (got string)'],
      [(j) => (j.runs[0].items[2].correct = 1), 'runs[0].items[2].correct must be true or false (got number)'],
      [(j) => (j.runs[0].items[1].ms = -1), 'runs[0].items[1].ms must not be negative (got -1)'],
      [
        (j) => (j.runs[0].items[1].outputTokens = 1.5),
        'runs[0].items[1].outputTokens must be a whole number (got 1.5)',
      ],
      [
        (j) => (j.runs[0].items[1].finishReason = 'done'),
        'runs[0].items[1].finishReason must be one of stop, length, aborted (got "done")',
      ],
      [(j) => (j.runs[0].items[1].id = 'a'), 'runs[0].items[1].id "a" appears twice'],
      [
        (j) => (j.runs[0].items[0].reply = 'x'.repeat(MAX_REPLY_CHARS + 1)),
        `runs[0].items[0].reply is too long (${MAX_REPLY_CHARS + 1} characters; at most ${MAX_REPLY_CHARS})`,
      ],
      [
        (j) => (j.runs[0].correctness.agreeing = 300),
        'runs[0].correctness.agreeing (300) is more than runs[0].correctness.positions (256)',
      ],
      [(j) => (j.device.adapter = null), 'device.adapter must be an object (got null)'],
    ];
    for (const [spoil, message] of cases) {
      const json = plain();
      spoil(json);
      expect(errorOf(json)).toBe(message);
    }
    expect(parseEvalResult('{"schema": ')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^the file is truncated or not JSON/),
    });
  });
});

describe('CSV and Markdown', () => {
  it('writes one row per run with accuracy, interval and figures', () => {
    const csv = evalToCsv([sampleEval()]);
    const [header, row] = csv.split('\r\n');
    expect(header).toBe(EVAL_CSV_HEADER.join(','));
    const cells = Object.fromEntries(EVAL_CSV_HEADER.map((name, i) => [name, row!.split(',')[i]]));
    expect(cells).toMatchObject({
      suite: 'arithmetic',
      lang: 'en',
      engine: 'transformers',
      correct: '3',
      answered: '4',
      accuracy: '0.75',
      secondsPerItem: '0.5',
      decodeTokensPerSecond_median: '20',
      agreement: String(255 / 256),
      maxTokens: '128',
    });
    expect(Number(cells.accuracyLow95)).toBeCloseTo(wilsonInterval(3, 4).low, 12);
  });

  it('defuses and escapes text cells', () => {
    const hostile = sampleEval([sampleRun({ model: '=HYPERLINK("x")|<b>' })]);
    expect(evalToCsv([hostile])).toContain(`"'=HYPERLINK(""x"")|<b>"`);
    const markdown = evalToMarkdown([hostile]);
    expect(markdown).toContain('=HYPERLINK("x")\\|&lt;b&gt;');
    expect(markdown.split('\n')[2]!.split(/(?<!\\)\|/).length).toBe(14);
  });

  it('shows accuracy as a percentage with its interval, and agreement that never rounds up to 100%', () => {
    const markdown = evalToMarkdown([sampleEval()]);
    expect(markdown.split('\n')[0]).toBe(
      '| Device | Suite | Engine | Model | Accuracy (95% CI) | n | s/item | Decode tok/s | TTFT ms | Peak GPU MiB | Model MB | Agreement |',
    );
    expect(markdown).toContain(
      '| arithmetic (en) | transformers | SmolLM2-135M-Instruct@q4 | 75% (30–95%) | 4 | 0.50 | 20.0 | 100 | 300.0 | 120.0 | 99.6% |',
    );
  });
});
