/**
 * Where an engine says it computed, in words, for the stats panel. Pure; kept apart from
 * compute-path.ts so that the chat's first load carries this line and not the path advice.
 */
import type { ComputeReport } from '../shared/engine-api.js';

/** "llama.cpp on the CPU, 2 threads", without the why (`report.reason`, shown beneath it). */
export function computePlace(report: ComputeReport): string {
  const where = report.device === 'webgpu' ? 'on the GPU (WebGPU)' : 'on the CPU';
  const threads = report.threads === undefined ? '' : `, ${report.threads} thread${report.threads === 1 ? '' : 's'}`;
  return `${report.runtime} ${where}${threads}`;
}
