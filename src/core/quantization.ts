/** Which weights a model id names, for the records and the correctness verdict's words. */
import { quantizationOf } from './catalog.js';
import type { EngineId } from '../shared/engine-api.js';

/**
 * "q4f16_1" for a web-llm id, "q4" for a transformers.js id ("org/name@q4", a folder URL with
 * "@fp32"); "" when the id does not say.
 */
export function modelQuantization(engine: EngineId, modelId: string): string {
  if (engine === 'transformers') {
    const at = modelId.lastIndexOf('@');
    return at > 0 ? modelId.slice(at + 1) : '';
  }
  return quantizationOf(modelId);
}
