/**
 * The engine shoot-out (issue 12, items 3 and 4): one model, or one twin, through every engine and
 * device in the plan with the benchmark protocol (model-benchmark.ts), one after the other in the
 * same worker, then the agreement of their next-token choices over one forced sequence. Entries
 * that cannot run here are kept with the reason, never dropped. The result's figures stay the
 * protocol's runs; the comparison only says which runs belong to which entry.
 */
import { compareForced, FORCED_TEXT, type ForcedComparison } from '../core/agreement.js';
import type { BenchProtocol } from '../core/bench-protocol.js';
import type { BenchRun } from '../core/bench-schema.js';
import type { AgreementPair, BenchComparison, ComparisonEntry } from '../core/comparison-record.js';
import { describeError } from '../core/error-messages.js';
import { isAbortError, serializeError } from '../core/errors.js';
import { deviceRefusal, webllmLibraryRefusal } from '../core/comparison-variants.js';
import type { ComputeDevice, CustomModelSource, DeviceReport, EngineId, ForcedChoices } from '../shared/engine-api.js';
import { benchmarkModel, type BenchEngine, type BenchProgress } from './model-benchmark.js';
import type { EngineClient } from '../client/engine-client.js';

/** Tokens of the forced sequence the engines are compared on. */
export const COMPARISON_FORCED_TOKENS = 128;

/** One engine, device and weights to measure. */
export interface ComparisonVariant {
  label: string;
  engine: EngineId;
  model: string;
  device: ComputeDevice;
  /** The weights' format, e.g. "fp32" or "Q4_0". */
  precision: string;
  threads?: number;
  custom?: CustomModelSource;
  /** "synthetic": random weights made from the file's header (see LoadOptions.weights). */
  weights?: 'synthetic';
  /** True when the model's weights are random ones of real shapes anyway (a twin). */
  synthetic?: boolean;
  /** Why this variant cannot run here, known before trying (it is listed, not measured). */
  unavailable?: string;
  /** web-llm: the model library's URL, whose version must match the runtime's. */
  library?: string;
  /** Reads the forced sequence for the agreement (variants of the same full-precision weights). */
  agreement?: boolean;
}

export interface ComparisonPlan {
  /** What is compared, e.g. "smollm2-135m twin". */
  subject: string;
  variants: ComparisonVariant[];
  /** Run the benchmark protocol on each variant (default true). */
  speed?: boolean;
  /** Compare the next-token choices of the variants marked `agreement` (default true). */
  agreement?: boolean;
}

export type ComparisonEngine = BenchEngine & Pick<EngineClient, 'forcedChoices'>;

export interface EngineComparison {
  runs: BenchRun[];
  notes: string[];
  comparison: BenchComparison;
}

/** The plan with every variant this device cannot run marked, and why (see comparison-variants.ts). */
export function withAvailability(
  plan: ComparisonPlan,
  device: Pick<DeviceReport, 'webgpu' | 'features'>,
): ComparisonPlan {
  return {
    ...plan,
    variants: plan.variants.map((variant) => {
      const reason =
        variant.unavailable ??
        deviceRefusal(variant, device.features, device.webgpu === 'available') ??
        (variant.engine === 'webllm' && variant.library ? webllmLibraryRefusal(variant.library) : undefined);
      return reason ? { ...variant, unavailable: reason } : variant;
    }),
  };
}

function failure(error: unknown): string {
  const friendly = describeError(serializeError(error));
  return `${friendly.title}: ${friendly.message}`;
}

function entryOf(variant: ComparisonVariant): ComparisonEntry {
  return {
    label: variant.label,
    engine: variant.engine,
    model: variant.model,
    device: variant.device,
    precision: variant.precision,
    runs: [],
    ...(variant.unavailable ? { skipped: variant.unavailable } : {}),
    ...(variant.synthetic || variant.weights === 'synthetic' ? { synthetic: true } : {}),
  };
}

async function forcedOn(
  engine: ComparisonEngine,
  variant: ComparisonVariant,
  tokenIds: number[] | undefined,
): Promise<ForcedChoices> {
  await engine.load(variant.engine, variant.model, () => undefined, {
    device: variant.device,
    ...(variant.threads === undefined ? {} : { threads: variant.threads }),
    ...(variant.custom ? { custom: variant.custom } : {}),
  });
  return engine.forcedChoices(tokenIds ? { tokenIds } : { text: FORCED_TEXT, maxTokens: COMPARISON_FORCED_TOKENS });
}

function pairOf(a: number, b: number, comparison: ForcedComparison): AgreementPair {
  return {
    a,
    b,
    positions: comparison.positions,
    agreeing: comparison.agreeing,
    maxLogprobDelta: comparison.maxLogprobDelta,
    ...(comparison.firstDisagreement === undefined ? {} : { firstDisagreement: comparison.firstDisagreement }),
  };
}

/**
 * Runs the plan. A variant that fails is kept with the reason; only a cancel stops the whole
 * comparison. `onProgress` fractions cover the whole plan.
 */
export async function compareEngines(
  engine: ComparisonEngine,
  plan: ComparisonPlan,
  protocol: BenchProtocol,
  {
    onProgress = () => undefined,
    signal,
  }: { onProgress?: (progress: BenchProgress) => void; signal?: AbortSignal } = {},
): Promise<EngineComparison> {
  const entries = plan.variants.map(entryOf);
  const runs: BenchRun[] = [];
  const notes: string[] = [];
  const measured = plan.variants
    .map((variant, index) => ({ variant, index }))
    .filter(({ variant }) => !variant.unavailable);
  const speed = plan.speed !== false;
  const agreeing = plan.agreement !== false ? measured.filter(({ variant }) => variant.agreement) : [];
  const steps = (speed ? measured.length : 0) + agreeing.length;
  let step = 0;
  const report = (label: string) => (progress: BenchProgress) =>
    onProgress({ ...progress, message: `${label}: ${progress.message}`, fraction: (step + progress.fraction) / steps });

  if (speed) {
    for (const { variant, index } of measured) {
      signal?.throwIfAborted();
      try {
        const result = await benchmarkModel(
          engine,
          {
            engine: variant.engine,
            model: variant.model,
            device: variant.device,
            ...(variant.threads === undefined ? {} : { threads: variant.threads }),
            ...(variant.custom ? { custom: variant.custom } : {}),
            ...(variant.weights ? { weights: variant.weights } : {}),
          },
          protocol,
          { onProgress: report(variant.label), ...(signal ? { signal } : {}) },
        );
        for (const run of result.runs) {
          entries[index]!.runs.push(runs.length);
          runs.push(variant.synthetic ? { ...run, synthetic: true } : run);
        }
        notes.push(...result.notes.map((note) => `${variant.label}: ${note}`));
      } catch (error) {
        if (isAbortError(error) || signal?.aborted) throw error;
        entries[index]!.skipped = failure(error);
      }
      step += 1;
    }
  }

  let agreement: BenchComparison['agreement'];
  if (agreeing.length > 0) {
    const read: { index: number; choices: ForcedChoices }[] = [];
    const agreementNotes: string[] = [];
    try {
      for (const { variant, index } of agreeing) {
        signal?.throwIfAborted();
        onProgress({ message: `${variant.label}: reading the forced sequence`, fraction: step / steps });
        try {
          read.push({ index, choices: await forcedOn(engine, variant, read[0]?.choices.tokenIds) });
        } catch (error) {
          if (isAbortError(error) || signal?.aborted) throw error;
          agreementNotes.push(`${variant.label} did not take part: ${failure(error)}`);
        }
        step += 1;
      }
    } finally {
      await engine.unload().catch(() => undefined);
    }
    const pairs: AgreementPair[] = [];
    for (let i = 0; i < read.length; i++) {
      for (let j = i + 1; j < read.length; j++) {
        pairs.push(pairOf(read[i]!.index, read[j]!.index, compareForced(read[i]!.choices, read[j]!.choices)));
      }
    }
    agreement = { positions: read[0]?.choices.tokenIds.length ?? 0, pairs, notes: agreementNotes };
  }
  onProgress({ message: 'Done', fraction: 1 });
  return { runs, notes, comparison: { subject: plan.subject, entries, ...(agreement ? { agreement } : {}) } };
}
