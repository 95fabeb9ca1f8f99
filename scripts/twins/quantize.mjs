// 4-bit group quantization, as each runtime packs it. Both quantize a row-major [rows, cols]
// matrix (a linear layer's [out, in]) along cols, in groups of 32, with one float32 scale per group.
//
// - MLC q4f32_1 (mlc-llm GroupQuantize, "NK" layout): scale = max|w| / 7, code = clamp(round(w /
//   scale) + 7, 0, 14), eight codes per uint32, code j of a word in bits 4j..4j+3. Decoded as
//   (code - 7) * scale, so the error is at most scale / 2.
// - ONNX MatMulNBits, 4 bits, symmetric (ONNX Runtime's MLAS quantizer, which is also GGML's Q4_0
//   rule): m = the value of largest magnitude, with its sign; scale = m / -8; code =
//   min(15, floor(w / scale + 8.5)); two codes per byte, the even element in the low nibble.
//   Decoded as (code - 8) * scale: the error is at most |scale| / 2, except a value of the other
//   sign than m and nearly its size, which clips to code 15 (error under |scale|).

const GROUP = 32;

function checkShape(rows, cols, data) {
  if (cols % GROUP !== 0) throw new Error(`cannot group-quantize ${cols} columns in groups of ${GROUP}`);
  if (data && data.length !== rows * cols) throw new Error(`expected ${rows * cols} values, got ${data.length}`);
}

/** MLC q4f32_1: `q_weight` (uint32, [rows, cols / 8]) and `q_scale` (float32, [rows, cols / 32]). */
export function quantizeMlcQ4(data, rows, cols) {
  checkShape(rows, cols, data);
  const qWeight = new Uint32Array((rows * cols) / 8);
  const qScale = new Float32Array((rows * cols) / GROUP);
  for (let g = 0; g < qScale.length; g++) {
    const start = g * GROUP;
    let maxAbs = 0;
    for (let i = start; i < start + GROUP; i++) maxAbs = Math.max(maxAbs, Math.abs(data[i]));
    const scale = Math.fround(maxAbs / 7);
    qScale[g] = scale;
    for (let w = 0; w < GROUP / 8; w++) {
      let word = 0;
      for (let j = 0; j < 8; j++) {
        const value = data[start + w * 8 + j];
        const code = scale === 0 ? 7 : Math.min(14, Math.max(0, Math.round(value / scale + 7)));
        word |= code << (4 * j);
      }
      qWeight[g * (GROUP / 8) + w] = word >>> 0;
    }
  }
  return { qWeight, qScale };
}

/** Decodes MLC q4f32_1 back to float32 [rows, cols]. */
export function dequantizeMlcQ4(qWeight, qScale, rows, cols) {
  checkShape(rows, cols);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) {
    const code = (qWeight[i >>> 3] >>> (4 * (i & 7))) & 0xf;
    out[i] = (code - 7) * qScale[Math.floor(i / GROUP)];
  }
  return out;
}

/**
 * ONNX MatMulNBits (bits 4, block_size 32, no zero points): `packed` (uint8, [rows, cols / 32, 16])
 * and `scales` (float32, [rows, cols / 32]).
 */
export function quantizeBlockQ4(data, rows, cols) {
  checkShape(rows, cols, data);
  const packed = new Uint8Array((rows * cols) / 2);
  const scales = new Float32Array((rows * cols) / GROUP);
  for (let g = 0; g < scales.length; g++) {
    const start = g * GROUP;
    let max = 0;
    for (let i = start; i < start + GROUP; i++) if (Math.abs(data[i]) > Math.abs(max)) max = data[i];
    const scale = Math.fround(max / -8);
    const inverse = scale === 0 ? 0 : Math.fround(1 / scale);
    scales[g] = scale;
    for (let i = 0; i < GROUP; i += 2) {
      const low = Math.min(15, Math.floor(Math.fround(data[start + i] * inverse) + 8.5));
      const high = Math.min(15, Math.floor(Math.fround(data[start + i + 1] * inverse) + 8.5));
      packed[(start + i) / 2] = low | (high << 4);
    }
  }
  return { packed, scales };
}

/** Decodes MatMulNBits 4-bit blocks back to float32 [rows, cols]. */
export function dequantizeBlockQ4(packed, scales, rows, cols) {
  checkShape(rows, cols);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) {
    const code = (packed[i >>> 1] >>> (4 * (i & 1))) & 0xf;
    out[i] = (code - 8) * scales[Math.floor(i / GROUP)];
  }
  return out;
}
