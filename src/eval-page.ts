/**
 * The headless evaluation entry (eval.html): until the app has its evaluation view, this page
 * is what `npm run eval` and the browser tests drive. It exposes `window.edgeLlmEval`, which
 * runs a suite (and, on request, the correctness check) in a fresh engine worker and returns an
 * `edge-llm/eval@1` result checked by the schema's own validator. Progress goes to a status
 * line as plain text.
 */
import { benchDevice } from './measure/fingerprint.js';
import { EngineClient } from './client/engine-client.js';
import { compareForced } from './core/agreement.js';
import { deviceLabel } from './core/bench-export.js';
import { describeError } from './core/error-messages.js';
import { serializeError } from './core/errors.js';
import { evalToMarkdown } from './core/eval-format.js';
import { createEvalResult, validateEvalResult, type EvalResult } from './core/eval-schema.js';
import { suiteFingerprint, type EvalSuite, type SuiteLanguage } from './core/eval/item.js';
import { builtInSuite, isBuiltInSuite, type BuiltInSuiteName } from './core/eval/suites.js';
import { parseUserSuite } from './core/eval/user-suite.js';
import type { ComputeDevice, CustomModelSource, EngineId, ForcedInput } from './shared/engine-api.js';
import { checkCorrectness } from './measure/correctness.js';
import { DEFAULT_MAX_TOKENS, evaluateModel, type EvalProgress } from './measure/eval-runner.js';

export type SuiteRequest =
  { builtIn: BuiltInSuiteName; lang?: SuiteLanguage; seed?: number; count?: number } | { jsonl: string; name: string };

export interface EvalPageRequest {
  engine: EngineId;
  model: string;
  device?: ComputeDevice;
  custom?: CustomModelSource;
  quantization?: string;
  suite: SuiteRequest;
  maxTokens?: number;
  /** Also run the correctness check (this device against the CPU) and record it with the run. */
  checkCorrectness?: boolean;
}

export type EvalPageOutcome =
  | { ok: true; result: EvalResult; markdown: string; warnings: string[] }
  | { ok: false; error: { title: string; message: string; problems?: string[] } };

const status = document.getElementById('status');

function show(text: string): void {
  if (status) status.textContent = text;
}

function suiteFor(request: SuiteRequest): { suite: EvalSuite; warnings: string[] } | EvalPageOutcome {
  if ('jsonl' in request) {
    const parsed = parseUserSuite(request.jsonl, request.name);
    if (!parsed.ok) {
      return {
        ok: false,
        error: { title: `${request.name} is not a valid suite`, message: parsed.errors[0]!, problems: parsed.errors },
      };
    }
    return { suite: parsed.suite, warnings: parsed.warnings };
  }
  if (!isBuiltInSuite(request.builtIn)) {
    return {
      ok: false,
      error: { title: 'Unknown suite', message: `There is no built-in suite "${String(request.builtIn)}".` },
    };
  }
  try {
    return { suite: builtInSuite(request.builtIn, request.lang ?? 'en', request), warnings: [] };
  } catch (error) {
    // A count or seed out of range: a problem with the request, like a bad line in a file.
    const message = String((error as Error).message);
    return { ok: false, error: { title: 'Invalid suite settings', message, problems: [message] } };
  }
}

function failure(error: unknown): EvalPageOutcome {
  const friendly = describeError(serializeError(error));
  return { ok: false, error: { title: friendly.title, message: friendly.message } };
}

/** Runs a suite against one model; `onProgress` hears every step. Never throws. */
async function run(request: EvalPageRequest, onProgress?: (progress: EvalProgress) => void): Promise<EvalPageOutcome> {
  const chosen = suiteFor(request.suite);
  if ('ok' in chosen) return chosen;
  const { suite, warnings } = chosen;
  const client = new EngineClient();
  try {
    const device = benchDevice(await client.probeDevice());
    const subject = {
      engine: request.engine,
      model: request.model,
      device: request.device ?? 'webgpu',
      ...(request.custom ? { custom: request.custom } : {}),
      ...(request.quantization ? { quantization: request.quantization } : {}),
    };
    const maxTokens = request.maxTokens ?? DEFAULT_MAX_TOKENS;
    const evaluated = await evaluateModel(client, subject, suite, {
      maxTokens,
      onProgress: (progress) => {
        show(`${progress.message}${progress.load ? ` (${progress.load.phase})` : ''}`);
        onProgress?.(progress);
      },
    });
    if (request.checkCorrectness) {
      show('Checking correctness: the same fixed sequence on this device and on the CPU');
      evaluated.correctness = (await checkCorrectness(client, subject, deviceLabel({ device }))).record;
    }
    const created = createEvalResult({
      device,
      suite: {
        name: suite.name,
        kind: suite.kind,
        ...(suite.lang ? { lang: suite.lang } : {}),
        ...(suite.seed === undefined ? {} : { seed: suite.seed }),
        items: suite.items.length,
        fingerprint: suiteFingerprint(suite.items),
      },
      settings: { maxTokens, temperature: 0 },
      runs: [evaluated],
    });
    // What leaves the page is what the validator makes of it: the export is always readable back.
    const checked = validateEvalResult(JSON.parse(JSON.stringify(created)));
    if (!checked.ok) throw new Error(`The result failed its own schema: ${checked.error}`);
    show('Done.');
    return { ok: true, result: checked.value, markdown: evalToMarkdown([checked.value]), warnings };
  } catch (error) {
    show(`Failed: ${String((error as Error | undefined)?.message ?? error)}`);
    return failure(error);
  } finally {
    client.dispose();
  }
}

/** Teacher forcing on one model and device, in a worker of its own (for tests and comparisons). */
async function forced(request: {
  engine: EngineId;
  model: string;
  device: ComputeDevice;
  custom?: CustomModelSource;
  input: ForcedInput;
}) {
  const client = new EngineClient();
  try {
    await client.load(request.engine, request.model, () => undefined, {
      device: request.device,
      ...(request.custom ? { custom: request.custom } : {}),
    });
    return await client.forcedChoices(request.input);
  } finally {
    client.dispose();
  }
}

/** The correctness check alone: this device against the CPU. */
async function correctness(request: {
  engine: EngineId;
  model: string;
  custom?: CustomModelSource;
  quantization?: string;
}) {
  const client = new EngineClient();
  try {
    const device = benchDevice(await client.probeDevice());
    return await checkCorrectness(client, request, deviceLabel({ device }));
  } finally {
    client.dispose();
  }
}

const api = { run, forced, compareForced, correctness };

declare global {
  interface Window {
    edgeLlmEval: typeof api;
  }
}

window.edgeLlmEval = api;
document.documentElement.dataset.ready = 'true';
