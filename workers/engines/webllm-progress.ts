/**
 * web-llm reports loading as `{ progress, timeElapsed, text }`, where only the text says which
 * phase it is in. These are the texts of web-llm 0.2.86 (tvmjs `fetchTensorCache` and
 * `asyncLoadWebGPUPipelines`); an unknown text is passed through as "loading".
 */
import type { EngineProgress } from './engine.js';

export interface WebLlmProgressReport {
  progress: number;
  timeElapsed: number;
  text: string;
}

const MIB = 2 ** 20;

export function parseWebLlmProgress(report: WebLlmProgressReport): EngineProgress {
  const { text } = report;
  const fraction = Number.isFinite(report.progress) ? Math.min(1, Math.max(0, report.progress)) : undefined;
  const megabytes = /(\d+)MB (?:fetched|loaded)/.exec(text);
  const loadedBytes = megabytes ? Number(megabytes[1]) * MIB : undefined;
  // web-llm rounds the bytes up to whole MiB; the total follows from the fraction.
  const totalBytes =
    loadedBytes !== undefined && fraction !== undefined && fraction > 0
      ? Math.round(loadedBytes / fraction)
      : undefined;

  if (/^Start to fetch params|^Fetching param cache/.test(text)) {
    return { phase: 'downloading', fraction, loadedBytes, totalBytes, detail: text };
  }
  if (/^Loading model from cache/.test(text)) {
    return { phase: 'loading', fraction, loadedBytes, totalBytes, detail: text };
  }
  if (/^Loading GPU shader modules/.test(text)) {
    return { phase: 'compiling', fraction, detail: text };
  }
  if (/^Finish loading/.test(text)) {
    return { phase: 'compiling', fraction: 1, detail: text };
  }
  return { phase: 'loading', fraction, detail: text };
}
