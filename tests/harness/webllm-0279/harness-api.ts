/** What the web-llm 0.2.79 test page offers its test on `window.edgeLlmHarness`. */
import type {
  CustomModelSource,
  GenerateRequest,
  GenerationStats,
  LoadOptions,
  LoadProgress,
  LoadReport,
  MemorySnapshot,
  TokenBatch,
} from '../../../src/shared/engine-api.js';

export interface HarnessApi {
  /** Loads a web-llm model through the worker (synthetic weights when asked), keeping every progress report. */
  load(
    modelId: string,
    custom: CustomModelSource,
    weights?: LoadOptions['weights'],
  ): Promise<{ report: LoadReport; progress: LoadProgress[] }>;
  /** Streams a reply; presses Stop (the engine's interrupt) once `stopAfterTokens` have arrived. */
  generate(
    request: GenerateRequest,
    stopAfterTokens?: number,
  ): Promise<{ stats: GenerationStats; batches: TokenBatch[] }>;
  /** GPU memory as the worker's tracker counts it. */
  memory(): Promise<MemorySnapshot>;
  unload(): Promise<void>;
}

declare global {
  interface Window {
    edgeLlmHarness: HarnessApi;
  }
}
