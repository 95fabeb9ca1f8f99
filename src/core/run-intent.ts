/**
 * A crash marker: what the page was about to do (load a model, run a benchmark or an
 * evaluation), written down
 * before it started. Pure: how a stored one is read back. The storage is in
 * src/persistence/run-intent.ts, the message for one that was never cleared in crash-report.ts.
 */
import type { ComputeDevice, EngineId, LoadPhase } from '../shared/engine-api.js';
import { isEngineId } from './engines.js';

/** A model load, a device benchmark, or an evaluation of a model on a task suite. */
export type RunKind = 'load' | 'bench' | 'eval';

/** What the page was about to do, written down before it started. */
export interface RunIntent {
  /** Unique per run, so one page's clear never removes another page's record. */
  id: string;
  kind: RunKind;
  engine: EngineId;
  model: string;
  device?: ComputeDevice;
  /** Memory the model needs (declared or estimated), in bytes, when known. */
  sizeBytes?: number;
  /** `navigator.deviceMemory` when the run started, in GB, when the browser reports it. */
  deviceMemoryGB?: number;
  /** The load's last phase the page saw, kept current while it runs. */
  phase?: LoadPhase;
  /** `Date.now()` when the run started. */
  startedAt: number;
  /** The `storage-key` of the chat that ran it (a load); none for a benchmark or an evaluation. */
  owner?: string;
}

const KINDS: readonly RunKind[] = ['load', 'bench', 'eval'];
const PHASES: readonly LoadPhase[] = ['preparing', 'downloading', 'loading', 'compiling', 'done'];

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Reads a stored intent back; anything malformed is not one. */
export function readRunIntent(value: unknown): RunIntent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = value as Record<string, unknown>;
  if (typeof raw.id !== 'string' || !raw.id) return undefined;
  if (!KINDS.includes(raw.kind as RunKind) || !isEngineId(raw.engine)) return undefined;
  if (typeof raw.model !== 'string' || !raw.model) return undefined;
  const startedAt = positive(raw.startedAt);
  if (startedAt === undefined) return undefined;
  const intent: RunIntent = {
    id: raw.id,
    kind: raw.kind as RunKind,
    engine: raw.engine as EngineId,
    model: raw.model,
    startedAt,
  };
  if (raw.device === 'webgpu' || raw.device === 'wasm') intent.device = raw.device;
  const sizeBytes = positive(raw.sizeBytes);
  if (sizeBytes !== undefined) intent.sizeBytes = sizeBytes;
  const memory = positive(raw.deviceMemoryGB);
  if (memory !== undefined) intent.deviceMemoryGB = memory;
  if (PHASES.includes(raw.phase as LoadPhase)) intent.phase = raw.phase as LoadPhase;
  if (typeof raw.owner === 'string' && raw.owner) intent.owner = raw.owner;
  return intent;
}
