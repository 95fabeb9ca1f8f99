/**
 * The memory-bandwidth roofline for decoding: each decoded token reads every weight once plus
 * the KV cache so far, so decode tokens/s can be no higher than bandwidth ÷ bytes per token.
 * Pure arithmetic, shared by the page and the tests.
 */

export interface DecodedTokenBytesInput {
  /** Bytes of all model weights. */
  weightBytes: number;
  /** KV-cache bytes added per token of context (see `kvBytesPerToken`). */
  kvBytesPerToken: number;
  /** Tokens already in the context when the token is decoded. */
  contextTokens: number;
}

/** Bytes read to decode one token: every weight once plus the KV cache so far. */
export function bytesPerDecodedToken({ weightBytes, kvBytesPerToken, contextTokens }: DecodedTokenBytesInput): number {
  return weightBytes + kvBytesPerToken * contextTokens;
}

export interface KvShape {
  layers: number;
  kvHeads: number;
  headDim: number;
  /** 2 for f16, 4 for f32. */
  bytesPerValue: number;
}

/** KV-cache bytes per token: one key and one value vector per KV head in every layer. */
export function kvBytesPerToken({ layers, kvHeads, headDim, bytesPerValue }: KvShape): number {
  return 2 * layers * kvHeads * headDim * bytesPerValue;
}

/** The highest decode rate (tokens/s) that `bandwidthGBps` (10^9 bytes/s) allows; 0 when unknown. */
export function decodeBound(bandwidthGBps: number, bytesPerToken: number): number {
  if (!(bandwidthGBps > 0) || !(bytesPerToken > 0) || !Number.isFinite(bandwidthGBps)) return 0;
  return (bandwidthGBps * 1e9) / bytesPerToken;
}

/** The measured rate as a percentage of the bound; 0 when the bound is unknown. */
export function roofPercent(measuredTps: number, boundTps: number): number {
  if (!(boundTps > 0) || !Number.isFinite(measuredTps) || !Number.isFinite(boundTps)) return 0;
  return (measuredTps / boundTps) * 100;
}

/** The formula as shown on screen. */
export function rooflineFormula(): string {
  return 'decode tokens/s ≤ memory bandwidth ÷ bytes read per token';
}
