// Types of bench-ui-trace.mjs's exports, for the tests.
export interface Task {
  start: number;
  end: number;
  cpu?: number;
}
export interface TokenMark {
  at: number;
  tokens: number;
}
export interface Trace {
  tasks: Task[];
  tokenMarks: TokenMark[];
  streamMarks?: Record<string, number>;
}
export type TokenCost =
  { wallMs: number; cpuMs?: number; fromToken: number; toToken: number; framesLeftOut?: number } | { noData: string };
export const STALL_FACTOR: number;
export function readTrace(buffer: Buffer): Trace;
export function busyBetween(tasks: Task[], from: number, to: number): number;
export function cpuBetween(tasks: Task[], from: number, to: number): number | undefined;
export function costPerToken(trace: Trace, range: [number, number]): TokenCost;
