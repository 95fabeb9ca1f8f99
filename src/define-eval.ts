/**
 * Registers `<edge-llm-eval>`. Loaded on demand (the app's Evaluate view, or a host page calling
 * `loadEval()`), so visitors who only chat never download it.
 */
import { EdgeLlmEval } from './components/eval/eval.js';
import { registerElements } from './register.js';

registerElements([['edge-llm-eval', EdgeLlmEval]]);

export { EdgeLlmEval };

declare global {
  interface HTMLElementTagNameMap {
    'edge-llm-eval': EdgeLlmEval;
  }
}
