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
  /** The prompt's tokens (TTFT is judged per prompt token where it is given). */
  promptTokens?: number;
  gpuBytes: number;
  pageHeap?: number;
  workerHeap?: number;
}
/** The fewest turns whose time to first token is judged; shorter runs report it. */
export declare const TIMED_TURNS: number;
/** The fewest cycles whose page heap is judged; shorter runs report it. */
export declare const SETTLED_CYCLES: number;
export declare function median(values: number[]): number | undefined;
export declare function judgeSoak(cycles: SoakCycle[], turns: SoakTurn[]): { passed: boolean; checks: SoakCheck[] };
