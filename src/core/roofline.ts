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

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * KV-cache bytes per token from a model config: a Hugging Face `config.json`, or the
 * `model_config` of MLC's `mlc-chat-config.json` (same field names). Undefined when the config
 * does not name the layers and heads.
 */
export function kvBytesPerTokenFromConfig(config: unknown, bytesPerValue: number): number | undefined {
  if (typeof config !== 'object' || config === null) return undefined;
  const c = config as Record<string, unknown>;
  const layers = positiveInteger(c.num_hidden_layers);
  const heads = positiveInteger(c.num_attention_heads);
  const kvHeads = positiveInteger(c.num_key_value_heads) ?? heads;
  const hidden = positiveInteger(c.hidden_size);
  const headDim = positiveInteger(c.head_dim) ?? (hidden && heads ? hidden / heads : undefined);
  if (!layers || !kvHeads || !headDim || !Number.isInteger(headDim)) return undefined;
  return kvBytesPerToken({ layers, kvHeads, headDim, bytesPerValue });
}

/** The bandwidth the roofline uses: the faster of the probe's kernel and its plain copy. */
export interface MeasuredBandwidth {
  gbPerSecond: number;
  source: 'kernel' | 'copy';
}

/** Probe figures the roofline reads (a structural subset of the probe report). */
export interface BandwidthFigures {
  kernels: Partial<Record<'bandwidth' | 'copy', { status: string; gbPerSecond?: { median: number } }>>;
}

/**
 * The device's memory bandwidth from a probe: the larger median of the read+write kernel and
 * `copyBufferToBuffer`. Either measures real traffic, so the faster is nearer the limit.
 */
export function measuredBandwidth(probe: BandwidthFigures | undefined): MeasuredBandwidth | undefined {
  const figure = (id: 'bandwidth' | 'copy') => {
    const kernel = probe?.kernels[id];
    return kernel?.status === 'ok' ? (kernel.gbPerSecond?.median ?? 0) : 0;
  };
  const kernel = figure('bandwidth');
  const copy = figure('copy');
  if (!(kernel > 0) && !(copy > 0)) return undefined;
  return kernel >= copy ? { gbPerSecond: kernel, source: 'kernel' } : { gbPerSecond: copy, source: 'copy' };
}

/** What the roofline needs of one benchmark run. */
export interface RooflineRunInput {
  weightBytes?: number;
  kvBytesPerToken?: number;
  promptTokens: number;
  decodeTokens?: number;
  /** Median measured decode tokens/s. */
  decodeTokensPerSecond: number;
}

export interface RooflinePoint {
  bandwidth: MeasuredBandwidth;
  /** Bytes read per decoded token at the run's average context (prompt + half the output). */
  bytesPerToken: number;
  /** The most tokens/s the bandwidth allows. */
  boundTokensPerSecond: number;
  /** Measured decode rate as a percentage of the bound. */
  percent: number;
}

/** A run's place under the roofline; undefined without weights or a bandwidth figure. */
export function rooflineForRun(
  run: RooflineRunInput,
  bandwidth: MeasuredBandwidth | undefined,
): RooflinePoint | undefined {
  if (!bandwidth || !(run.weightBytes !== undefined && run.weightBytes > 0)) return undefined;
  const contextTokens = run.promptTokens + (run.decodeTokens ?? 0) / 2;
  const bytesPerToken = bytesPerDecodedToken({
    weightBytes: run.weightBytes,
    kvBytesPerToken: run.kvBytesPerToken ?? 0,
    contextTokens,
  });
  const boundTokensPerSecond = decodeBound(bandwidth.gbPerSecond, bytesPerToken);
  return {
    bandwidth,
    bytesPerToken,
    boundTokensPerSecond,
    percent: roofPercent(run.decodeTokensPerSecond, boundTokensPerSecond),
  };
}
