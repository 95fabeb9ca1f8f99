// The one source of a twin's weights: float32 values under Hugging Face tensor names, from a fixed
// seed. Every format a twin is written in (ONNX, MLC, GGUF) reads its values here, so fp32 files
// hold exactly these values and quantized files are quantized from them.
//
// Each tensor has a PRNG stream of its own (seeded from the twin's seed and the tensor's name), so
// a writer can read tensors in any order, one at a time, and get the same values every time: a
// 0.5B model is never held in memory at once, let alone twice.
//
// Scaling. Random weights of the wrong scale make every next-token choice a near tie (logits all
// alike), make activations blow up with depth, or let one trivial answer win every step; any of
// these makes engines agree or disagree for reasons that have nothing to do with them. So:
//   - linear layers [out, in]: uniform with standard deviation 1/sqrt(in), so each projection
//     keeps its input's scale: queries and keys of unit scale give attention scores of unit
//     spread (softmax neither one-hot nor flat), and each sublayer adds about unit variance to the
//     residual stream;
//   - norm weights: 1 ± 0.1; attention biases (Qwen2): standard deviation 0.1;
//   - embeddings: standard deviation 0.1. With tied embeddings a token's logit is the final
//     (normalised) state times its embedding row. Rows of unit scale would make the input token's
//     own row, still present in the residual stream, the top logit at every step (greedy decoding
//     would only ever repeat its input); at 0.1 the input row is a small part of a state that the
//     layers have grown to several units, and its logit sits well inside the others' spread.
// The logits then spread with a standard deviation of about 0.1 * sqrt(hidden size) (2.4 for
// SmolLM2, 3 for Qwen2.5), so the top two are typically a few tenths apart: far above float32
// rounding, and a reply is not one token repeated.
// Rows of the tokens a random model must never emit (specials, lone bytes >= 0x80) are scaled by
// 0.01: their logits stay near 0, far below the top one, while they still embed as tokens (a zero
// row would make the first token of every chat, <|im_start|>, an all-zero state and every logit
// there a tie).

import { mulberry32 } from '../prng.mjs';
import { elementCount, hfTensors } from './spec.mjs';
import { silentTokenIds, vocabLayout } from './vocab.mjs';

const EMBEDDING_STD = 0.1;
const SILENT_ROW_SCALE = 0.01;

/** The seed every twin uses unless told otherwise. */
export const TWIN_SEED = 0x7717e5ed;

/** FNV-1a of a string: a tensor's own stream differs from every other tensor's. */
function hashName(name) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function uniform(data, rand, center, halfWidth) {
  for (let i = 0; i < data.length; i++) data[i] = center + (rand() * 2 - 1) * halfWidth;
  return data;
}

/** Half-width of a uniform distribution with this standard deviation. */
const halfWidthFor = (std) => std * Math.sqrt(3);

/**
 * A deterministic float32 weight source for a twin.
 * @param {import('./spec.d.mts').TwinSpec} spec
 * @param {{ seed?: number }} [options]
 */
export function createWeightSource(spec, { seed = TWIN_SEED } = {}) {
  const tensors = hfTensors(spec);
  const byName = new Map(tensors.map((tensor) => [tensor.name, tensor]));
  const silent = silentTokenIds(vocabLayout(spec));

  function read(name) {
    const tensor = byName.get(name);
    if (!tensor) throw new Error(`the ${spec.name} twin has no tensor "${name}"`);
    const rand = mulberry32((hashName(name) ^ seed) >>> 0);
    const data = new Float32Array(elementCount(tensor.shape));
    const [, inputs] = tensor.shape;
    switch (tensor.kind) {
      case 'embedding':
      case 'lm_head':
        uniform(data, rand, 0, halfWidthFor(EMBEDDING_STD));
        for (const id of silent) {
          for (let i = id * inputs; i < (id + 1) * inputs; i++) data[i] *= SILENT_ROW_SCALE;
        }
        return data;
      case 'linear':
        return uniform(data, rand, 0, halfWidthFor(1 / Math.sqrt(inputs)));
      case 'bias':
        return uniform(data, rand, 0, halfWidthFor(0.1));
      case 'norm':
        return uniform(data, rand, 1, 0.1);
      default:
        throw new Error(`unknown tensor kind ${tensor.kind}`);
    }
  }

  return {
    spec,
    seed,
    tensors,
    read,
    /** Every tensor in state-dict order, each read when the loop reaches it. */
    *stream() {
      for (const tensor of tensors) yield { ...tensor, data: read(tensor.name) };
    },
  };
}
