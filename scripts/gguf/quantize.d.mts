// Types of quantize.mjs, the F32 / Q8_0 / Q4_0 block encoders.
export const QK: number;
export function toHalfBits(value: number): number;
export function fromHalfBits(bits: number): number;
export function encodeF32(values: Float32Array): Uint8Array;
export function quantizeQ8_0(values: Float32Array): Uint8Array;
export function quantizeQ4_0(values: Float32Array): Uint8Array;
