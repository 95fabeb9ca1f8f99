/**
 * The engines, named once: their ids in the order the UI lists them, and how they are called on
 * screen. Every list of engines and every engine label comes from here.
 */
import type { EngineId } from '../shared/engine-api.js';

interface EngineInfo {
  /** Short name, e.g. in a table cell: "transformers.js". */
  name: string;
  /** What it runs on, added to the name where there is room: "ONNX Runtime". */
  runtime: string;
  /** False for the test double, which is offered only where a test chose it. */
  public: boolean;
  /** True when it can compute on the CPU through WebAssembly, not only on the GPU through WebGPU. */
  cpu: boolean;
}

const ENGINES: Record<EngineId, EngineInfo> = {
  webllm: { name: 'web-llm', runtime: 'MLC', public: true, cpu: false },
  transformers: { name: 'transformers.js', runtime: 'ONNX Runtime', public: true, cpu: true },
  llamacpp: { name: 'llama.cpp', runtime: 'GGUF, wllama', public: true, cpu: true },
  double: { name: 'Engine double', runtime: 'tests', public: false, cpu: true },
};

/** Every engine id, in the order the UI lists them. */
export const ENGINE_IDS = Object.keys(ENGINES) as EngineId[];

/** The engines a visitor can choose (the test double is not one). */
export const PUBLIC_ENGINE_IDS = ENGINE_IDS.filter((id) => ENGINES[id].public);

export function isEngineId(value: unknown): value is EngineId {
  return typeof value === 'string' && Object.hasOwn(ENGINES, value);
}

/** "transformers.js" */
export function engineName(id: EngineId): string {
  return ENGINES[id].name;
}

/** "transformers.js (ONNX Runtime)" */
export function engineLabel(id: EngineId): string {
  return `${ENGINES[id].name} (${ENGINES[id].runtime})`;
}

/** True when the engine can compute on the CPU (WebAssembly); web-llm runs only on WebGPU. */
export function runsOnCpu(id: EngineId): boolean {
  return ENGINES[id].cpu;
}
