/**
 * The block formats the GGUF writer stores, written the way ggml's reference quantizers
 * (`quantize_row_q8_0_ref`, `quantize_row_q4_0_ref`) write them, so llama.cpp reads back the
 * same numbers. Each block holds 32 values and starts with its scale as an IEEE half float.
 */

/** Values per Q8_0 / Q4_0 block. */
export const QK = 32;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half-precision bits of `value`, rounded to nearest even (as F16C and ggml do). */
export function toHalfBits(value) {
  f32[0] = value;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  // Re-bias from 127 to 15.
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): shift the implicit 1 in and round the dropped bits.
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    const rounded = rest > midpoint || (rest === midpoint && half & 1) ? half + 1 : half;
    return sign | rounded;
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  const rounded = rest > 0x1000 || (rest === 0x1000 && half & 1) ? half + 1 : half;
  return sign | rounded;
}

/** The float a half's bits stand for. */
export function fromHalfBits(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** C's roundf: halves round away from zero (Math.round rounds them up). */
function roundHalfAway(x) {
  return Math.sign(x) * Math.round(Math.abs(x));
}

function checkLength(values, format) {
  if (values.length % QK !== 0) {
    throw new Error(`${format} needs a multiple of ${QK} values per row; got ${values.length}`);
  }
}

/** F32: the values as little-endian floats. */
export function encodeF32(values) {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return out;
}

/** Q8_0: per block, scale d = max|x| / 127 (half) and 32 signed bytes round(x / d). 34 bytes. */
export function quantizeQ8_0(values) {
  checkLength(values, 'Q8_0');
  const blocks = values.length / QK;
  const out = new Uint8Array(blocks * 34);
  const view = new DataView(out.buffer);
  for (let b = 0; b < blocks; b++) {
    let amax = 0;
    for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(values[b * QK + j]));
    const d = Math.fround(amax / 127);
    const id = d ? Math.fround(1 / d) : 0;
    view.setUint16(b * 34, toHalfBits(d), true);
    for (let j = 0; j < QK; j++) view.setInt8(b * 34 + 2 + j, roundHalfAway(Math.fround(values[b * QK + j] * id)));
  }
  return out;
}

/**
 * Q4_0: per block, d = (the value of largest magnitude) / -8 (half) and 32 unsigned nibbles
 * q = min(15, trunc(x / d + 8.5)); value j sits in the low nibble of byte j, value j + 16 in its
 * high nibble. 18 bytes. Reads back as (q - 8) * d.
 */
export function quantizeQ4_0(values) {
  checkLength(values, 'Q4_0');
  const blocks = values.length / QK;
  const out = new Uint8Array(blocks * 18);
  const view = new DataView(out.buffer);
  for (let b = 0; b < blocks; b++) {
    let amax = 0;
    let max = 0;
    for (let j = 0; j < QK; j++) {
      const v = values[b * QK + j];
      if (Math.abs(v) > amax) {
        amax = Math.abs(v);
        max = v;
      }
    }
    // ggml computes the scale in single precision; so does this.
    const d = Math.fround(max / -8);
    const id = d ? Math.fround(1 / d) : 0;
    view.setUint16(b * 18, toHalfBits(d), true);
    const nibble = (v) => Math.min(15, Math.trunc(Math.fround(Math.fround(v * id) + 8.5)));
    for (let j = 0; j < QK / 2; j++) {
      const lo = nibble(values[b * QK + j]);
      const hi = nibble(values[b * QK + j + QK / 2]);
      out[b * 18 + 2 + j] = lo | (hi << 4);
    }
  }
  return out;
}

/** The encoders by GGUF tensor type name. */
export const ENCODERS = { F32: encodeF32, Q8_0: quantizeQ8_0, Q4_0: quantizeQ4_0 };
