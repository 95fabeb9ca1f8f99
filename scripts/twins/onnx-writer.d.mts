// Types of onnx-writer.mjs: a twin as a transformers.js (ONNX) model folder.
import type { WeightSource } from './weights.mjs';
export const ONNX_FILES: Readonly<{ fp32: string; q4: string }>;
export interface WrittenOnnx {
  variant: 'fp32' | 'q4';
  file: string;
  bytes: number;
  dataFiles: { name: string; bytes: number }[];
  nodes: number;
  opTypes: string[];
}
export function writeOnnxTwin(
  dir: string,
  source: WeightSource,
  options?: { variants?: ('fp32' | 'q4')[] },
): WrittenOnnx[];
