/**
 * How a loaded model is identified on a page: engine, model id, compute device and, for engines
 * that run CPU threads (llama.cpp), their number. The engine pool shares one load per key; a chat
 * keeps its lease while its key stays the same.
 */
import type { ComputeDevice, EngineId } from '../shared/engine-api.js';

export interface ModelKey {
  engine: EngineId;
  model: string;
  device: ComputeDevice;
  /** CPU threads for engines that run them (llama.cpp); undefined for the engine's default. */
  threads?: number | undefined;
}

/** The key of anything that names an engine, a model and a device (an element, a lease). */
export function modelKey({ engine, model, device, threads }: ModelKey): ModelKey {
  return threads === undefined ? { engine, model, device } : { engine, model, device, threads };
}

/** A string for maps; the separator cannot occur in an engine id, a model id or a device. */
export function modelKeyId({ engine, model, device, threads }: ModelKey): string {
  return `${engine}\u0000${model}\u0000${device}\u0000${threads ?? ''}`;
}

export function sameModel(a: ModelKey, b: ModelKey): boolean {
  return a.engine === b.engine && a.model === b.model && a.device === b.device && a.threads === b.threads;
}
