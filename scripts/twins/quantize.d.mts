// Types of quantize.mjs: 4-bit group quantization as MLC and ONNX Runtime pack it.
export function quantizeMlcQ4(
  data: Float32Array,
  rows: number,
  cols: number,
): { qWeight: Uint32Array; qScale: Float32Array };
export function dequantizeMlcQ4(qWeight: Uint32Array, qScale: Float32Array, rows: number, cols: number): Float32Array;
export function quantizeBlockQ4(
  data: Float32Array,
  rows: number,
  cols: number,
): { packed: Uint8Array; scales: Float32Array };
export function dequantizeBlockQ4(packed: Uint8Array, scales: Float32Array, rows: number, cols: number): Float32Array;
