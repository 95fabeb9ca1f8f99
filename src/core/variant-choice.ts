/**
 * Which variant of a model suits this device, and why, in words. Pure.
 *
 * Every variant is judged on the path the visitor runs models on (compute-path.ts): can it run
 * here, where would it really compute, does it fit. The best variant of a model
 * 1. runs here, on the chosen path where it can (one that cannot is never pre-chosen);
 * 2. fits comfortably, else tightly, else is of unknown size;
 * 3. comes from the fastest engine for where it computes (below);
 * 4. is the smallest download among equals (a stored one costs no download).
 *
 * The fastest engine, per path (a documented rule, not a measurement of this device):
 * - GPU with shader-f16: llama.cpp, whose WebGPU backend decodes 45-69% faster than web-llm and
 *   transformers.js by its authors' measurements ("Llamas on the Web"); then web-llm, whose
 *   kernels are compiled for each model; then transformers.js.
 * - GPU without shader-f16: web-llm, then transformers.js. llama.cpp's WebGPU backend needs
 *   shader-f16; without it llama.cpp runs on the CPU, so it counts as a CPU variant.
 * - CPU: llama.cpp for models published as GGUF, then transformers.js on WebAssembly (its 32-bit
 *   variants before its 16-bit ones: WebAssembly has no 16-bit float arithmetic). On this project's
 *   machines llama.cpp's Q8_0 decodes as fast as transformers.js's fp32 (38-42 against 37 tokens/s
 *   at SmolLM2-135M's shape) from a quarter of the download. web-llm has no CPU path.
 */
import type { ComputeDevice, DeviceReport, EngineId, ModelRecord } from '../shared/engine-api.js';
import { quantizationNeedsF16 } from './catalog.js';
import { deviceForPath, pathWords, type ComputePath } from './compute-path.js';
import { engineName, runsOnCpu } from './engines.js';
import { checkFit, type FitResult } from './fit.js';
import { formatMiB } from './format.js';
import { checkCpuFit } from './llamacpp-fit.js';
import type { ModelGroup } from './model-groups.js';

/** What a variant can do here. The first three run; the others are shown with their reason, never pre-chosen. */
export type VariantStatus =
  'fits' | 'tight' | 'size-unknown' | 'wont-fit' | 'needs-f16' | 'needs-webgpu' | 'needs-storage';

const RUNS: ReadonlySet<VariantStatus> = new Set(['fits', 'tight', 'size-unknown']);
const TIER: Partial<Record<VariantStatus, number>> = { fits: 0, tight: 1, 'size-unknown': 2 };

export interface VariantJudgement {
  record: ModelRecord;
  /** What the engine is asked to compute on. */
  device: ComputeDevice;
  /** Where it would really compute (llama.cpp without shader-f16 runs on the CPU whatever it is asked). */
  computesOn: ComputePath;
  /** True when it would not run on the path the visitor chose (web-llm on the CPU path, for one). */
  offPath: boolean;
  /** Why it computes where it does when that is not the chosen path; "" otherwise. */
  placement: string;
  status: VariantStatus;
  runsHere: boolean;
  /** One or two sentences a visitor understands. */
  reason: string;
  /** A better variant the fit check names (the f32 twin of an f16 model, a shorter context). */
  alternative: ModelRecord | undefined;
}

export interface ChoiceContext {
  device: DeviceReport;
  /** The path the visitor runs models on. */
  path: ComputePath;
  /** Every listed model, where the fit check looks for twins. */
  catalog: readonly ModelRecord[];
}

function hasF16(device: DeviceReport): boolean {
  return device.webgpu === 'available' && device.features.includes('shader-f16');
}

/** Where a variant would compute if asked for `path`, and whether that leaves the path. */
function placement(record: ModelRecord, ctx: ChoiceContext): { computesOn: ComputePath; note: string } {
  const gpu = ctx.device.webgpu === 'available';
  if (ctx.path === 'cpu' && !runsOnCpu(record.engine)) {
    return { computesOn: 'gpu', note: `${engineName(record.engine)} has no CPU path: it runs on the GPU.` };
  }
  if (ctx.path === 'gpu' && record.engine === 'llamacpp' && !hasF16(ctx.device)) {
    return {
      computesOn: 'cpu',
      note: gpu
        ? "llama.cpp's WebGPU backend needs shader-f16, which this GPU lacks: it runs on the CPU."
        : 'No WebGPU here: llama.cpp runs on the CPU.',
    };
  }
  if (ctx.path === 'gpu' && !gpu) return { computesOn: 'cpu', note: 'No WebGPU here: it runs on the CPU.' };
  return { computesOn: ctx.path, note: '' };
}

function statusOf(fit: FitResult, record: ModelRecord): VariantStatus {
  if (fit.verdict === 'needs-f16') return 'needs-f16';
  // The fit check reads a size of 0 as "needs nothing": an unknown size says so instead.
  if (record.vramMB <= 0) return 'size-unknown';
  return fit.verdict;
}

/** Judges one variant on the context's path. */
export function judgeVariant(record: ModelRecord, ctx: ChoiceContext): VariantJudgement {
  const { computesOn, note } = placement(record, ctx);
  const device: ComputeDevice = computesOn === 'gpu' ? 'webgpu' : deviceForPath(ctx.path);
  const base = { record, device, computesOn, offPath: computesOn !== ctx.path, placement: note };
  if (computesOn === 'gpu' && ctx.device.webgpu !== 'available') {
    return {
      ...base,
      status: 'needs-webgpu',
      runsHere: false,
      reason: `${engineName(record.engine)} runs only on WebGPU, which this browser does not offer.`,
      alternative: undefined,
    };
  }
  if (record.engine === 'llamacpp' && ctx.device.privateFileSystem === false) {
    return {
      ...base,
      status: 'needs-storage',
      runsHere: false,
      reason:
        "llama.cpp keeps its models in the browser's private file system, which this page cannot use (a page served over plain HTTP has none).",
      alternative: undefined,
    };
  }
  const fit = computesOn === 'gpu' ? checkFit(record, ctx.device, ctx.catalog) : checkCpuFit(record, ctx.device);
  const status = statusOf(fit, record);
  const fitReason =
    status === 'size-unknown'
      ? 'Size unknown: whether it fits can only be told once it loads.'
      : fit.reason.replace(/ on the CPU\.$/, '.');
  const where = note || `Runs ${pathWords(computesOn)} with ${engineName(record.engine)}.`;
  return { ...base, status, runsHere: RUNS.has(status), reason: `${where} ${fitReason}`, alternative: fit.alternative };
}

/** Lower is faster, for where the variant computes (see the file's header). */
export function engineSpeedRank(record: ModelRecord, computesOn: ComputePath, f16: boolean): number {
  const order: EngineId[] =
    computesOn === 'cpu'
      ? ['llamacpp', 'transformers', 'double']
      : f16
        ? ['llamacpp', 'webllm', 'transformers', 'double']
        : ['webllm', 'transformers', 'double'];
  const rank = order.indexOf(record.engine);
  const sixteenBitOnCpu =
    computesOn === 'cpu' && record.engine === 'transformers' && quantizationNeedsF16(record.quantization);
  return (rank < 0 ? order.length : rank) * 2 + (sixteenBitOnCpu ? 1 : 0);
}

/** Bytes a visitor would download for the variant: none when stored; the memory need when the file size is unknown. */
export function downloadCost(record: ModelRecord): number {
  if (record.cached) return 0;
  return record.downloadBytes ?? record.vramMB * 2 ** 20;
}

function compareJudged(a: VariantJudgement, b: VariantJudgement, f16: boolean): number {
  return (
    Number(a.offPath) - Number(b.offPath) ||
    TIER[a.status]! - TIER[b.status]! ||
    engineSpeedRank(a.record, a.computesOn, f16) - engineSpeedRank(b.record, b.computesOn, f16) ||
    downloadCost(a.record) - downloadCost(b.record) ||
    a.record.id.localeCompare(b.record.id)
  );
}

export interface BestVariant {
  judgement: VariantJudgement;
  /** Why this one, in words. */
  reason: string;
}

/** The variant to pre-choose among `variants`, with the reason; undefined when none runs here. */
export function bestVariant(variants: readonly ModelRecord[], ctx: ChoiceContext): BestVariant | undefined {
  const f16 = hasF16(ctx.device);
  const running = variants
    .map((record) => judgeVariant(record, ctx))
    .filter((judged) => judged.runsHere)
    .sort((a, b) => compareJudged(a, b, f16));
  const best = running[0];
  return best ? { judgement: best, reason: bestReason(best, running, f16) } : undefined;
}

function bestReason(best: VariantJudgement, running: readonly VariantJudgement[], f16: boolean): string {
  const { record } = best;
  const parts = [`${engineName(record.engine)} ${pathWords(best.computesOn)}`];
  const slower = [
    ...new Set(
      running
        .filter(
          (other) =>
            other.record.engine !== record.engine &&
            other.computesOn === best.computesOn &&
            engineSpeedRank(other.record, other.computesOn, f16) > engineSpeedRank(record, best.computesOn, f16),
        )
        .map((other) => engineName(other.record.engine)),
    ),
  ];
  if (slower.length > 0) parts.push(`faster there than ${slower.join(' or ')}`);
  if (best.status === 'fits') parts.push(`fits this device (needs ${formatMiB(record.vramMB)})`);
  else if (best.status === 'tight') parts.push(`fits, tightly (needs ${formatMiB(record.vramMB)})`);
  else parts.push('size unknown until it loads');
  const siblings = running.filter((other) => other !== best && other.record.engine === record.engine);
  const engine = engineName(record.engine);
  if (record.cached) parts.push('already stored on this device');
  else if (siblings.length > 0 && record.downloadBytes !== undefined) {
    parts.push(`the smallest ${engine} download (${formatMiB(record.downloadBytes / 2 ** 20)})`);
  } else if (siblings.length > 0) parts.push(`the smallest ${engine} variant`);
  return `Best for this device: ${parts.join('; ')}.${best.placement ? ` ${best.placement}` : ''}`;
}

export interface DefaultChoice {
  group: ModelGroup;
  best: BestVariant;
}

/**
 * The model a first-time visitor starts with: among `groups` that `isCandidate` accepts, the one
 * whose best variant stays on the chosen path and fits comfortably with the least memory, else
 * tightly, else (a model the visitor added) of unknown size.
 */
export function defaultChoice(
  groups: readonly ModelGroup[],
  ctx: ChoiceContext,
  isCandidate: (group: ModelGroup) => boolean,
): DefaultChoice | undefined {
  const choices = groups
    .filter(isCandidate)
    .map((group) => ({ group, best: bestVariant(group.variants, ctx) }))
    .filter((choice): choice is DefaultChoice => choice.best !== undefined && !choice.best.judgement.offPath);
  for (const tier of ['fits', 'tight', 'size-unknown'] as const) {
    const inTier = choices
      .filter((choice) => choice.best.judgement.status === tier)
      .sort((a, b) => a.best.judgement.record.vramMB - b.best.judgement.record.vramMB);
    if (inTier[0]) return inTier[0];
  }
  return undefined;
}
