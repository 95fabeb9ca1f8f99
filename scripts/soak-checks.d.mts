// Types of soak-checks.mjs, the soak test's verdict.
export interface SoakCheck {
  name: string;
  passed: boolean;
  detail: string;
  /** Printed but not part of the verdict. */
  informational?: boolean;
}
export interface SoakCycle {
  cycle: number;
  peakGpuBytes?: number;
  gpuAfterUnloadBytes: number;
  pageHeap?: number;
  workerHeap?: number;
}
export interface SoakTurn {
  turn: number;
  ttftMs: number;
  gpuBytes: number;
  pageHeap?: number;
  workerHeap?: number;
}
export declare function median(values: number[]): number | undefined;
export declare function judgeSoak(cycles: SoakCycle[], turns: SoakTurn[]): { passed: boolean; checks: SoakCheck[] };
