/**
 * A plain float64 forward pass of a twin, written from Hugging Face's Llama / Qwen2 modelling code
 * (RMSNorm, rotate-half rotary embedding, grouped-query causal attention, SiLU-gated MLP, tied or
 * untied LM head), to check what the exported graphs compute. Slow: for the small CI twin only.
 */
import type { WeightSource } from '../../scripts/twins/weights.mjs';

/** Weights as the reference reads them; `linear` may substitute decoded quantized values. */
export type LinearOverride = (name: string, data: Float32Array, rows: number, cols: number) => Float32Array;

function rmsNorm(x: Float64Array, weight: Float32Array, eps: number): Float64Array {
  let sum = 0;
  for (const value of x) sum += value * value;
  const scale = 1 / Math.sqrt(sum / x.length + eps);
  return x.map((value, i) => value * scale * weight[i]!);
}

/** y = W x for W [rows, cols] row-major. */
function matVec(weight: Float32Array, rows: number, cols: number, x: Float64Array): Float64Array {
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    const base = r * cols;
    for (let c = 0; c < cols; c++) sum += weight[base + c]! * x[c]!;
    y[r] = sum;
  }
  return y;
}

/** Rotates each head of `x` in place to position `position` (HF rotate_half convention). */
function rope(x: Float64Array, heads: number, headDim: number, position: number, theta: number): void {
  const half = headDim / 2;
  for (let h = 0; h < heads; h++) {
    for (let k = 0; k < half; k++) {
      const angle = position / theta ** ((2 * k) / headDim);
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      const i = h * headDim + k;
      const a = x[i]!;
      const b = x[i + half]!;
      x[i] = a * cos - b * sin;
      x[i + half] = b * cos + a * sin;
    }
  }
}

/** Logits [positions][vocab] for a token sequence, every position attending to those before it. */
export function referenceLogits(source: WeightSource, ids: number[], linear?: LinearOverride): Float64Array[] {
  const spec = source.spec;
  const { hiddenSize: c, heads, kvHeads, headDim: d, vocabSize: v, intermediateSize: ffn } = spec;
  const shape = (name: string) => source.tensors.find((tensor) => tensor.name === name)!.shape;
  const weight = (name: string) => {
    const data = source.read(name);
    const [rows, cols] = shape(name);
    return linear && cols !== undefined ? linear(name, data, rows!, cols) : data;
  };
  const embedding = source.read('model.embed_tokens.weight');
  const head = spec.tieEmbeddings ? weight('model.embed_tokens.weight') : weight('lm_head.weight');
  const layers = Array.from({ length: spec.layers }, (_, l) => {
    const p = `model.layers.${l}`;
    const bias = (name: string) => (spec.attentionBias ? source.read(`${p}.self_attn.${name}.bias`) : undefined);
    return {
      inputNorm: source.read(`${p}.input_layernorm.weight`),
      postNorm: source.read(`${p}.post_attention_layernorm.weight`),
      q: weight(`${p}.self_attn.q_proj.weight`),
      k: weight(`${p}.self_attn.k_proj.weight`),
      v: weight(`${p}.self_attn.v_proj.weight`),
      qBias: bias('q_proj'),
      kBias: bias('k_proj'),
      vBias: bias('v_proj'),
      o: weight(`${p}.self_attn.o_proj.weight`),
      gate: weight(`${p}.mlp.gate_proj.weight`),
      up: weight(`${p}.mlp.up_proj.weight`),
      down: weight(`${p}.mlp.down_proj.weight`),
      keys: [] as Float64Array[],
      values: [] as Float64Array[],
    };
  });
  const finalNorm = source.read('model.norm.weight');
  const addBias = (x: Float64Array, b: Float32Array | undefined) => (b ? x.map((value, i) => value + b[i]!) : x);

  return ids.map((id, position) => {
    let x = Float64Array.from(embedding.subarray(id * c, (id + 1) * c));
    for (const layer of layers) {
      const h = rmsNorm(x, layer.inputNorm, spec.rmsNormEps);
      const q = addBias(matVec(layer.q, heads * d, c, h), layer.qBias);
      const k = addBias(matVec(layer.k, kvHeads * d, c, h), layer.kBias);
      const value = addBias(matVec(layer.v, kvHeads * d, c, h), layer.vBias);
      rope(q, heads, d, position, spec.ropeTheta);
      rope(k, kvHeads, d, position, spec.ropeTheta);
      layer.keys.push(k);
      layer.values.push(value);
      const attended = new Float64Array(heads * d);
      for (let hq = 0; hq < heads; hq++) {
        const kv = Math.floor(hq / (heads / kvHeads));
        const scores = layer.keys.map((key) => {
          let dot = 0;
          for (let i = 0; i < d; i++) dot += q[hq * d + i]! * key[kv * d + i]!;
          return dot / Math.sqrt(d);
        });
        const max = Math.max(...scores);
        const weights = scores.map((score) => Math.exp(score - max));
        const total = weights.reduce((a, b) => a + b, 0);
        layer.values.forEach((val, t) => {
          const share = weights[t]! / total;
          for (let i = 0; i < d; i++) attended[hq * d + i] = attended[hq * d + i]! + share * val[kv * d + i]!;
        });
      }
      const attentionOut = matVec(layer.o, c, heads * d, attended);
      x = x.map((value, i) => value + attentionOut[i]!);
      const y = rmsNorm(x, layer.postNorm, spec.rmsNormEps);
      const gate = matVec(layer.gate, ffn, c, y);
      const up = matVec(layer.up, ffn, c, y);
      const act = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]!);
      const down = matVec(layer.down, c, ffn, act);
      x = x.map((value, i) => value + down[i]!);
    }
    return matVec(head, v, c, rmsNorm(x, finalNorm, spec.rmsNormEps));
  });
}
