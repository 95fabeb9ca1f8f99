/**
 * The chat's one status, so "is a model loaded" has one answer, and the element's settings its
 * session reads.
 */
import type { ReactiveControllerHost } from 'lit';
import type { FriendlyError } from '../../core/error-messages.js';
import type { ComputeDevice, CustomModelSource, EngineId, LoadProgress, LoadReport } from '../../shared/engine-api.js';
import { loadSummary } from '../load-progress.js';

/** One status, so "is a model loaded" has one answer: the status carries the load's report. */
export type ChatStatus =
  | { kind: 'idle'; note: string }
  | { kind: 'loading'; progress: LoadProgress }
  | { kind: 'ready'; report: LoadReport; note: string }
  | { kind: 'generating'; report: LoadReport }
  /** `report` is kept when the model is still loaded (a reply failed; the model did not). */
  | { kind: 'failed'; error: FriendlyError; during: 'load' | 'generate'; report: LoadReport | undefined };

/** The element's settings the session reads (and, on restore, writes back). */
export interface ChatSettings {
  engine: EngineId;
  model: string;
  device: ComputeDevice;
  threads: number | undefined;
  customModels: CustomModelSource | undefined;
  systemPrompt: string;
  maxTokens: number;
  temperature: number;
  declaredVramMB: number | undefined;
  persist: boolean;
  storageKey: string;
}

export type ChatSessionHost = ReactiveControllerHost & HTMLElement & ChatSettings;

/** A load's progress before the engine has said anything. */
export const PREPARING: LoadProgress = {
  phase: 'preparing',
  fraction: undefined,
  loadedBytes: undefined,
  totalBytes: undefined,
  elapsedMs: 0,
  detail: '',
};

export function reportOf(status: ChatStatus): LoadReport | undefined {
  return 'report' in status ? status.report : undefined;
}

/** Ready, with the load's summary as the note. */
export function readyStatus(report: LoadReport): ChatStatus {
  return { kind: 'ready', report, note: loadSummary(report) };
}

/** Idle, because another tab took the model. */
export function movedAwayStatus(): ChatStatus {
  return { kind: 'idle', note: 'The model moved to another tab, which holds it now. Load it to use it here again.' };
}

/** The one line the toolbar shows for a status. */
export function statusText(status: ChatStatus, model: string): string {
  switch (status.kind) {
    case 'idle':
      return status.note || (model ? `Not loaded: ${model}` : 'No model chosen');
    case 'loading':
      return `Loading ${model}…`;
    case 'generating':
      return `Generating with ${model}…`;
    case 'ready':
      return `${model} ready. ${status.note}`;
    case 'failed':
      if (status.report) return `${model} ready.`;
      if (status.error.code === 'device-lost') return 'The GPU device was lost: reload the model to go on.';
      return model ? `Not loaded: ${model}` : 'No model chosen';
  }
}
