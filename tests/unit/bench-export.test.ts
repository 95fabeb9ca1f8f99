import { describe, expect, it } from 'vitest';
import {
  CSV_HEADER,
  agreementCell,
  correctnessOf,
  deviceLabel,
  exportFileName,
  markdownCell,
  shortModelName,
  toCsv,
  toMarkdown,
} from '../../src/core/bench-export.js';
import { createBenchResult, type BenchResult } from '../../src/core/bench-schema.js';
import { sampleResult } from './bench-fixture.js';

const MIB = 1024 * 1024;

function withRun(engine: string, model: string, peak: number[] = [1536 * MIB]): BenchResult {
  const base = sampleResult();
  return createBenchResult({
    createdAt: base.createdAt,
    device: base.device,
    runs: [{ ...base.runs[0]!, engine, model, peakGpuMemoryBytes: peak, coldLoadMs: undefined, warmLoadMs: undefined }],
  });
}

/** Splits CSV text into rows of cells (RFC 4180), to check quoting round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('deviceLabel', () => {
  it('names adapter, browser and platform', () => {
    expect(deviceLabel(sampleResult())).toBe('nvidia hopper H100 · Chromium 140 · Linux');
  });
});

describe('toCsv', () => {
  it('writes a header and one row per run with medians, p10, p90 and n', () => {
    const lines = toCsv([sampleResult()]).split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines[0]).toContain('decodeTokensPerSecond_median,decodeTokensPerSecond_p10,decodeTokensPerSecond_p90');
    // ttft sorted 90..130: median 110, p10 94, p90 126; prefill 1000..1400: 1200, 1040, 1360.
    expect(lines[1]).toBe(
      'nvidia hopper H100 · Chromium 140 · Linux,2025-01-02T03:04:05.000Z,webllm,Qwen2.5-0.5B-Instruct-q4f16_1-MLC,128,' +
        '110,94,126,5,1200,1040,1360,5,70,54,86,5,500,500,500,5,5000,800,,',
    );
    expect(lines[2]).toBe('');
    expect(lines).toHaveLength(3);
  });

  it('writes rows for every result and leaves missing figures empty', () => {
    const csv = toCsv([sampleResult(), withRun('transformers', 'm', [])]);
    const rows = parseCsv(csv);
    expect(rows).toHaveLength(3);
    expect(rows[2]!.slice(-8)).toEqual(['', '', '', '0', '', '', '', '']);
  });

  it('quotes commas, quotes and line breaks per RFC 4180', () => {
    const csv = toCsv([withRun('a,b', 'say "hi"\nthere')]);
    expect(csv.split('\r\n')[1]).toContain(',"a,b","say ""hi""\nthere",');
    expect(parseCsv(csv)[1]!.slice(2, 4)).toEqual(['a,b', 'say "hi"\nthere']);
  });

  it('defuses spreadsheet formulas in text cells', () => {
    const csv = toCsv([withRun('=HYPERLINK("http://x")', '+1'), withRun('-2', '@SUM(A1)')]);
    const rows = parseCsv(csv);
    expect(rows[1]!.slice(2, 4)).toEqual(['\'=HYPERLINK("http://x")', "'+1"]);
    expect(rows[2]!.slice(2, 4)).toEqual(["'-2", "'@SUM(A1)"]);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
  });

  it('keeps hostile markup as plain text', () => {
    const csv = toCsv([withRun('<img src=x onerror=alert(1)>', 'm')]);
    expect(parseCsv(csv)[1]![2]).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('toMarkdown', () => {
  it('writes a table of median (p10–p90) per metric', () => {
    const md = toMarkdown([withRun('webllm', 'qwen')]).split('\n');
    expect(md[0]).toBe(
      '| Device | Engine | Model | TTFT ms | Prefill tok/s | Decode tok/s | Peak GPU MiB | n | Agreement with CPU |',
    );
    expect(md[1]).toBe('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    expect(md[2]).toBe(
      '| nvidia hopper H100 · Chromium 140 · Linux | webllm | qwen | 110 (94–126) | 1200 (1040–1360) | 70 (54–86) | 1536 (1536–1536) | 5 | – |',
    );
    expect(md).toHaveLength(4);
  });

  it('names the device each run computed on, so a model on WebGPU and on the CPU are two rows apart', () => {
    const gpu = withRun('transformers', 'm');
    gpu.runs[0]!.computeDevice = 'webgpu';
    const cpu = withRun('transformers', 'm');
    cpu.runs[0]!.computeDevice = 'wasm';
    const rows = toMarkdown([gpu, cpu]).split('\n');
    expect(rows[2]).toContain('| transformers (webgpu) | m |');
    expect(rows[3]).toContain('| transformers (wasm) | m |');
  });

  it('shows – for a metric without samples', () => {
    expect(toMarkdown([withRun('e', 'm', [])])).toContain('| 70 (54–86) | – | 5 | – |');
  });

  it('rounds to a few significant places', () => {
    const result = withRun('e', 'm');
    result.summary[0]!.decodeTokensPerSecond = { median: 12.345, p10: 1.23456, p90: 123.456, n: 3 };
    expect(toMarkdown([result])).toContain('| 12.3 (1.23–123) |');
  });

  it('escapes pipes, line breaks and markup in cells', () => {
    expect(markdownCell('a|b\nc\r\nd')).toBe('a\\|b c d');
    expect(markdownCell('<img src=x onerror="alert(1)">')).toBe('&lt;img src=x onerror="alert(1)"&gt;');
    expect(markdownCell('a\\|b')).toBe('a\\\\\\|b');
    const md = toMarkdown([withRun('x|y', 'line\nbreak')]);
    expect(md.split('\n')[2]).toContain('| x\\|y | line break |');
    expect(md.split('\n')).toHaveLength(4);
  });
});

describe('the correctness check in the exports', () => {
  const check = {
    engine: 'webllm',
    model: 'qwen',
    checked: true as const,
    reference: 'wasm',
    positions: 256,
    agreeing: 253,
    maxLogprobDelta: 0.5,
    message: 'differs',
  };

  it('adds the agreement and the largest log-probability difference to the runs of the checked model', () => {
    const result = { ...withRun('webllm', 'qwen'), correctness: check };
    const rows = parseCsv(toCsv([result, { ...withRun('webllm', 'other'), correctness: check }]));
    expect(rows[0]!.slice(-2)).toEqual(['agreement', 'maxLogprobDelta']);
    expect(rows[1]!.slice(-2)).toEqual([String(253 / 256), '0.5']);
    // Another model's run is not the checked one.
    expect(rows[2]!.slice(-2)).toEqual(['', '']);
    expect(toMarkdown([result]).split('\n')[2]).toMatch(/\| 98\.8% \|$/);
  });

  it('says "not checked" where the engine could not be teacher-forced', () => {
    const result = {
      ...withRun('webllm', 'qwen'),
      correctness: { engine: 'webllm', model: 'qwen', checked: false as const, message: 'Not checked' },
    };
    expect(agreementCell(correctnessOf(result, result.runs[0]!))).toBe('not checked');
    expect(parseCsv(toCsv([result]))[1]!.slice(-2)).toEqual(['', '']);
    expect(toMarkdown([result]).split('\n')[2]).toMatch(/\| not checked \|$/);
  });
});

describe('exportFileName', () => {
  it('names the kind of result and its time, safe for every file system', () => {
    expect(exportFileName('2026-11-29T02:37:47.123Z', 'json')).toBe('edge-llm-bench-2026-11-29T02-37-47.json');
    expect(exportFileName('2026-11-29T02:37:47.123Z', 'markdown', 'eval')).toBe('edge-llm-eval-2026-11-29T02-37-47.md');
  });
});

describe('shortModelName', () => {
  it('names a model folder URL by its folder and variant, and keeps catalog ids', () => {
    expect(shortModelName('http://127.0.0.1:4173/models/onnx-tiny@fp32')).toBe('onnx-tiny@fp32');
    expect(shortModelName('https://models.example/team/SmolLM2-135M/')).toBe('SmolLM2-135M');
    expect(shortModelName('Llama-3.2-1B-Instruct-q4f16_1-MLC')).toBe('Llama-3.2-1B-Instruct-q4f16_1-MLC');
    expect(shortModelName('HuggingFaceTB/SmolLM2-135M-Instruct@q4')).toBe('HuggingFaceTB/SmolLM2-135M-Instruct@q4');
  });
});
