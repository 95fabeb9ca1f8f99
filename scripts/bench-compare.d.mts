// Types of bench-compare.mjs: the engine shoot-out plan for a twin.
export const PRECISIONS: Readonly<Record<string, { transformers?: string; llamacpp?: string; webllm?: string }>>;
export function ensureTwinFiles(twin: string, out: string, log?: (line: string) => void): Record<string, string>;
export function twinRoots(out: string, twin: string): Record<string, string>;
export interface TwinVariant {
  label: string;
  engine: 'webllm' | 'transformers' | 'llamacpp';
  model: string;
  device: 'webgpu' | 'wasm';
  precision: string;
  custom?: Record<string, unknown>;
  synthetic?: boolean;
  threads?: number;
  library?: string;
  unavailable?: string;
  agreement?: boolean;
}
export function twinPlan(
  twin: string,
  origin: string,
  options?: { precisions?: string[]; devices?: string[]; threads?: number; agreement?: boolean; speed?: boolean },
): { subject: string; variants: TwinVariant[]; speed: boolean; agreement: boolean };
