// Types of weights.mjs: the seeded float32 weight source every twin format reads.
import type { HfTensor, TwinSpec } from './spec.mjs';
export const TWIN_SEED: number;
export interface WeightSource {
  spec: TwinSpec;
  seed: number;
  /** Every tensor, in state-dict order. */
  tensors: HfTensor[];
  /** A tensor's values (a fresh array, the same every call). */
  read(name: string): Float32Array;
  /** Every tensor with its values, each read when the loop reaches it. */
  stream(): Generator<HfTensor & { data: Float32Array }>;
}
export function createWeightSource(spec: TwinSpec, options?: { seed?: number }): WeightSource;
