// Types of spec.mjs: the twins' architectures and sizes.
export const TWIN_NOTE: string;
export interface SpecialToken {
  id: number;
  content: string;
}
export interface TwinSpec {
  name: string;
  /** The real model this twin has the shapes of. */
  twinOf: string;
  architecture: 'llama' | 'qwen2';
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocabSize: number;
  tieEmbeddings: boolean;
  attentionBias: boolean;
  rmsNormEps: number;
  ropeTheta: number;
  maxPositions: number;
  specialTokens: readonly SpecialToken[];
  bosTokenId: number;
  eosTokenId: number;
  padTokenId: number;
  mlc: { contextWindowSize: number; prefillChunkSize: number };
  /** Parameter count of the real model (tied embeddings once). */
  params: number;
}
export interface HfTensor {
  /** Hugging Face name, e.g. model.layers.0.self_attn.q_proj.weight */
  name: string;
  /** [out, in] for linear layers, [n] for norms and biases. */
  shape: number[];
  kind: 'embedding' | 'linear' | 'bias' | 'norm' | 'lm_head';
}
export const TWIN_SPECS: Readonly<Record<string, TwinSpec>>;
export function twinSpec(name: string): TwinSpec;
export function hfTensors(spec: TwinSpec): HfTensor[];
export function elementCount(shape: readonly number[]): number;
export function parameterCount(spec: TwinSpec): number;
export function hfConfig(spec: TwinSpec): Record<string, unknown>;
