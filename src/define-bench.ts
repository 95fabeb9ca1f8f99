/**
 * Registers `<edge-llm-bench>` and its chart. Loaded on demand (the app's Bench view, or a
 * host page calling `loadBench()`), so visitors who only chat never download it.
 */
import { EdgeLlmBench } from './components/bench/bench.js';
import { EdgeLlmBenchChart } from './components/bench/bench-chart.js';
import { registerElements } from './register.js';

registerElements([
  ['edge-llm-bench-chart', EdgeLlmBenchChart],
  ['edge-llm-bench', EdgeLlmBench],
]);

export { EdgeLlmBench, EdgeLlmBenchChart };

declare global {
  interface HTMLElementTagNameMap {
    'edge-llm-bench': EdgeLlmBench;
    'edge-llm-bench-chart': EdgeLlmBenchChart;
  }
}
