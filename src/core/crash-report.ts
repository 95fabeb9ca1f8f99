/**
 * What to tell a visitor whose last visit ended in the middle of a model load, a benchmark or an
 * evaluation: what was running, what most likely happened, and the next step (usually a smaller
 * model that fits this device). Pure: the intent comes from storage, the catalog and device from
 * the worker.
 */
import type { ModelRecord } from '../shared/engine-api.js';
import { isInstructModel, shortContextTwin } from './catalog.js';
import { checkFit, type FitDevice, type FitVerdict } from './fit.js';
import { formatBytes } from './format.js';
import type { RunIntent } from './run-intent.js';

export { readRunIntent, type RunIntent, type RunKind } from './run-intent.js';

export interface CrashContext {
  /** The model's catalog for the intent's engine; may be empty when it could not be listed. */
  catalog: readonly ModelRecord[];
  /** This device now; undefined while it is still being probed. */
  device: FitDevice | undefined;
  now: number;
}

export interface CrashReport {
  title: string;
  /** What was running when the page ended. */
  message: string;
  /** The most likely cause, in a sentence. */
  cause: string;
  /** The next step, in a sentence. */
  nextStep: string;
  /** A smaller model to try, when the catalog has one that fits. */
  suggestion: ModelRecord | undefined;
  intent: RunIntent;
}

/** A model id short enough for a sentence: a folder URL becomes its last segment. */
export function modelLabel(modelId: string): string {
  const at = modelId.lastIndexOf('@');
  const [source, dtype] = at > 0 ? [modelId.slice(0, at), modelId.slice(at + 1)] : [modelId, ''];
  if (!/^https?:\/\//.test(source)) return modelId;
  const name = source.replace(/\/+$/, '').split('/').at(-1) ?? source;
  return dtype ? `${name} (${dtype})` : name;
}

function ago(ms: number): string {
  if (ms < 0 || !Number.isFinite(ms)) return '';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return ' less than a minute ago';
  if (minutes < 60) return ` ${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return ` ${hours} hour${hours === 1 ? '' : 's'} ago`;
  return ` ${Math.round(hours / 24)} days ago`;
}

function doing(intent: RunIntent): string {
  if (intent.kind === 'bench') return 'benchmarking';
  if (intent.kind === 'eval') return 'evaluating';
  switch (intent.phase) {
    case 'downloading':
      return 'downloading';
    case 'loading':
      return 'loading onto the GPU';
    case 'compiling':
      return 'compiling the GPU kernels for';
    default:
      return 'loading';
  }
}

/** The catalog's record for the model the intent names, if the catalog still lists it. */
function crashedRecord(intent: RunIntent, catalog: readonly ModelRecord[]): ModelRecord | undefined {
  return catalog.find((record) => record.id === intent.model && record.engine === intent.engine);
}

/** No more than this share of the crashed model's memory, so the next try is clearly lighter. */
const SMALLER_SHARE = 0.6;

/**
 * A model to try instead of one that ended the tab, one the fit check says fits this device:
 * the same model with a short context window, else, at most {@link SMALLER_SHARE} of its memory,
 * the largest of the same family and quantization (the same build, fewer parameters), then of
 * the same family, then the largest instruct model, then any chat model.
 */
export function smallerVariant(
  crashed: ModelRecord | undefined,
  sizeBytes: number | undefined,
  device: FitDevice | undefined,
  catalog: readonly ModelRecord[],
): ModelRecord | undefined {
  const crashedMB = crashed?.vramMB || (sizeBytes !== undefined ? sizeBytes / 2 ** 20 : undefined);
  if (!crashedMB || !device) return undefined;
  const limitMB = crashedMB * SMALLER_SHARE;
  const fits = (record: ModelRecord) => checkFit(record, device, catalog).verdict === 'fits';
  if (crashed) {
    // The same model with less context is what the visitor wanted, and needs less memory: worth
    // offering even when it is not much smaller, as long as it fits comfortably.
    const twin = shortContextTwin(crashed, catalog);
    if (twin && fits(twin)) return twin;
  }
  const candidates = catalog
    .filter(
      (record) =>
        record.id !== crashed?.id &&
        record.kind === 'chat' &&
        record.vramMB > 0 &&
        record.vramMB <= limitMB &&
        (crashed === undefined || record.engine === crashed.engine) &&
        fits(record),
    )
    // Largest first; the sort is stable, so equal sizes keep the catalog's order.
    .sort((a, b) => b.vramMB - a.vramMB);
  const family = candidates.filter((record) => record.family === crashed?.family);
  const sameBuild = family.find((record) => record.quantization === crashed?.quantization);
  return sameBuild ?? family[0] ?? candidates.find(isInstructModel) ?? candidates[0];
}

function likelyCause(intent: RunIntent, verdict: FitVerdict | undefined): string {
  if (verdict === 'wont-fit') {
    return 'The model needs more GPU memory than this device is likely to have, so the browser most likely stopped the tab or reset the GPU to get memory back.';
  }
  if (verdict === 'tight') {
    return 'The model needs most of the memory this device is likely to give a tab, so it most likely ran out: browsers stop tabs or reset the GPU when memory runs short.';
  }
  if (intent.kind === 'load' && (intent.phase === 'downloading' || intent.phase === 'preparing')) {
    return 'It was still downloading, so the tab was most likely closed, reloaded or put to sleep (phones stop background tabs); running out of memory is less likely at that stage.';
  }
  if (verdict === 'fits') {
    return 'The model should fit this device, so other tabs or apps were probably using GPU memory at the time, or the GPU driver reset.';
  }
  return 'Browsers end a tab without warning when the device runs out of memory or the GPU resets; the tab may also simply have been closed.';
}

/** A run other than a load is named by what it was; a load by its model (in the title's place). */
const TITLES: Partial<Record<RunIntent['kind'], string>> = {
  bench: 'The last benchmark did not finish',
  eval: 'The last evaluation did not finish',
};

/** The message for a run that never finished, with the next step. */
export function describeCrash(intent: RunIntent, context: CrashContext): CrashReport {
  const record = crashedRecord(intent, context.catalog);
  const sizeBytes = record?.vramMB ? record.vramMB * 2 ** 20 : intent.sizeBytes;
  const size = sizeBytes ? ` (${formatBytes(sizeBytes)})` : '';
  const memory = intent.deviceMemoryGB ? ` on a device reporting ${intent.deviceMemoryGB} GB of memory` : '';
  const label = modelLabel(intent.model);
  const title = TITLES[intent.kind] ?? `The last visit ended while ${label} was loading`;
  const message = `The tab was closed or crashed${ago(context.now - intent.startedAt)} while ${doing(intent)} ${label}${size}${memory}.`;
  const verdict = record && context.device ? checkFit(record, context.device, context.catalog).verdict : undefined;
  const suggestion = smallerVariant(record, sizeBytes, context.device, context.catalog);
  const nextStep = suggestion
    ? `Try ${modelLabel(suggestion.id)} (${formatBytes(suggestion.vramMB * 2 ** 20)}), a smaller model that fits this device.`
    : context.device && sizeBytes
      ? 'Close other tabs and apps that use the GPU, then try again: no clearly smaller model in the list fits this device.'
      : 'Close other tabs and apps that use the GPU, then try again, or pick a smaller model.';
  return { title, message, cause: likelyCause(intent, verdict), nextStep, suggestion, intent };
}
