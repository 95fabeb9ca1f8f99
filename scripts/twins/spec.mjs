// The twins: the real architectures and sizes of the models users pick, to be filled with random
// weights. Speed and memory depend on a model's shapes, not on its weight values, so a twin costs
// what the real model costs on any engine (speed only, no quality).
//
// Figures are the published configs (config.json of the named repositories); `params` is the
// parameter count they imply, which unit tests recompute from the shapes.

/** What every file a twin writes says about itself. */
export const TWIN_NOTE = 'synthetic weights: speed only, no quality';

const CHAT_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];

/** @type {Record<string, import('./spec.d.mts').TwinSpec>} */
export const TWIN_SPECS = Object.freeze({
  'smollm2-135m': Object.freeze({
    name: 'smollm2-135m',
    twinOf: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    architecture: 'llama',
    hiddenSize: 576,
    intermediateSize: 1536,
    layers: 30,
    heads: 9,
    kvHeads: 3,
    headDim: 64,
    vocabSize: 49152,
    tieEmbeddings: true,
    attentionBias: false,
    rmsNormEps: 1e-5,
    ropeTheta: 100000,
    maxPositions: 8192,
    // SmolLM2 puts its chat tokens first: <|endoftext|> 0, <|im_start|> 1, <|im_end|> 2.
    specialTokens: Object.freeze(CHAT_TOKENS.map((content, id) => Object.freeze({ id, content }))),
    bosTokenId: 1,
    eosTokenId: 2,
    padTokenId: 2,
    mlc: Object.freeze({ contextWindowSize: 4096, prefillChunkSize: 1024 }),
    params: 134_515_008,
  }),
  'qwen2.5-0.5b': Object.freeze({
    name: 'qwen2.5-0.5b',
    twinOf: 'Qwen/Qwen2.5-0.5B-Instruct',
    architecture: 'qwen2',
    hiddenSize: 896,
    intermediateSize: 4864,
    layers: 24,
    heads: 14,
    kvHeads: 2,
    headDim: 64,
    vocabSize: 151936,
    tieEmbeddings: true,
    attentionBias: true,
    rmsNormEps: 1e-6,
    ropeTheta: 1000000,
    maxPositions: 32768,
    // Qwen2's chat tokens follow its 151,643 byte-level tokens.
    specialTokens: Object.freeze(CHAT_TOKENS.map((content, i) => Object.freeze({ id: 151643 + i, content }))),
    bosTokenId: 151643,
    eosTokenId: 151645,
    padTokenId: 151643,
    // The compiled library in ../shared/artifacts/mlc (Qwen2-0.5B: the same shapes) says 4k / 1k.
    mlc: Object.freeze({ contextWindowSize: 4096, prefillChunkSize: 1024 }),
    params: 494_032_768,
  }),
  // A few MB of the same family for CI-time tests: every code path of the real twins, in seconds.
  'ci-small': Object.freeze({
    name: 'ci-small',
    twinOf: 'none (a small llama-family model for CI)',
    architecture: 'llama',
    hiddenSize: 128,
    intermediateSize: 384,
    layers: 4,
    heads: 4,
    kvHeads: 2,
    headDim: 32,
    vocabSize: 4096,
    tieEmbeddings: true,
    attentionBias: false,
    rmsNormEps: 1e-5,
    ropeTheta: 10000,
    maxPositions: 2048,
    specialTokens: Object.freeze(CHAT_TOKENS.map((content, id) => Object.freeze({ id, content }))),
    bosTokenId: 1,
    eosTokenId: 2,
    padTokenId: 2,
    mlc: Object.freeze({ contextWindowSize: 2048, prefillChunkSize: 256 }),
    params: 1_311_872,
  }),
});

/** The spec of a twin by name; throws with the names there are. */
export function twinSpec(name) {
  const spec = TWIN_SPECS[name];
  if (!spec) throw new Error(`unknown twin "${name}" (there are: ${Object.keys(TWIN_SPECS).join(', ')})`);
  return spec;
}

/**
 * The model's tensors as Hugging Face names them, in state-dict order (layer by layer), with
 * their shapes ([out, in] for linear layers) and the kind of values they hold.
 */
export function hfTensors(spec) {
  const { hiddenSize: c, intermediateSize: ffn, heads, kvHeads, headDim: d, vocabSize: v } = spec;
  const tensors = [{ name: 'model.embed_tokens.weight', shape: [v, c], kind: 'embedding' }];
  for (let l = 0; l < spec.layers; l++) {
    const p = `model.layers.${l}`;
    const linear = (name, out, inp) => tensors.push({ name: `${p}.${name}.weight`, shape: [out, inp], kind: 'linear' });
    const bias = (name, out) => {
      if (spec.attentionBias) tensors.push({ name: `${p}.${name}.bias`, shape: [out], kind: 'bias' });
    };
    linear('self_attn.q_proj', heads * d, c);
    bias('self_attn.q_proj', heads * d);
    linear('self_attn.k_proj', kvHeads * d, c);
    bias('self_attn.k_proj', kvHeads * d);
    linear('self_attn.v_proj', kvHeads * d, c);
    bias('self_attn.v_proj', kvHeads * d);
    linear('self_attn.o_proj', c, heads * d);
    linear('mlp.gate_proj', ffn, c);
    linear('mlp.up_proj', ffn, c);
    linear('mlp.down_proj', c, ffn);
    tensors.push({ name: `${p}.input_layernorm.weight`, shape: [c], kind: 'norm' });
    tensors.push({ name: `${p}.post_attention_layernorm.weight`, shape: [c], kind: 'norm' });
  }
  tensors.push({ name: 'model.norm.weight', shape: [c], kind: 'norm' });
  if (!spec.tieEmbeddings) tensors.push({ name: 'lm_head.weight', shape: [v, c], kind: 'lm_head' });
  return tensors;
}

/** Number of values in a shape. */
export function elementCount(shape) {
  return shape.reduce((product, n) => product * n, 1);
}

/** Parameters of the model (tied embeddings counted once, as the published figures do). */
export function parameterCount(spec) {
  return hfTensors(spec).reduce((sum, tensor) => sum + elementCount(tensor.shape), 0);
}

/** The Hugging Face config.json fields of the real model. */
export function hfConfig(spec) {
  const shared = {
    hidden_act: 'silu',
    hidden_size: spec.hiddenSize,
    intermediate_size: spec.intermediateSize,
    num_hidden_layers: spec.layers,
    num_attention_heads: spec.heads,
    num_key_value_heads: spec.kvHeads,
    head_dim: spec.headDim,
    max_position_embeddings: spec.maxPositions,
    rms_norm_eps: spec.rmsNormEps,
    rope_theta: spec.ropeTheta,
    rope_scaling: null,
    tie_word_embeddings: spec.tieEmbeddings,
    vocab_size: spec.vocabSize,
    bos_token_id: spec.bosTokenId,
    eos_token_id: spec.eosTokenId,
    pad_token_id: spec.padTokenId,
    torch_dtype: 'float32',
    use_cache: true,
  };
  return spec.architecture === 'qwen2'
    ? { architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', ...shared, use_sliding_window: false }
    : { architectures: ['LlamaForCausalLM'], model_type: 'llama', ...shared, attention_bias: false, mlp_bias: false };
}
