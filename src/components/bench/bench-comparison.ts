/**
 * The comparison of every shown result, as a pure template: one table row per run, the chart of
 * the chosen metric, and each run's place under its roofline bound.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { agreementCell, correctnessOf, METRIC_LABELS, shortModelName, spread } from '../../core/bench-export.js';
import { BENCH_METRICS, type BenchMetric } from '../../core/bench-schema.js';
import { formatBytes, formatDuration, formatPercentOfBound } from '../../core/format.js';
import { SYNTHETIC_LABEL } from '../../core/comparison-table.js';
import { measuredBandwidth, rooflineForRun, rooflineFormula } from '../../core/roofline.js';
import type { ChartBar } from './bench-chart.js';
import type { ShownResult } from './bench-views.js';

const MIB = 2 ** 20;

function comparisonRows(shown: ShownResult[]) {
  return shown.flatMap((entry) =>
    entry.result.runs.map((run, i) => {
      const summary = entry.result.summary[i]!;
      // The bound is the GPU's measured bandwidth: it bounds only what computed on the GPU (a
      // result from before runs said where they computed ran on it).
      const onCpu = run.computeDevice !== undefined && run.computeDevice !== 'webgpu';
      const point = onCpu
        ? undefined
        : rooflineForRun(
            { ...run, decodeTokensPerSecond: summary.decodeTokensPerSecond.median },
            measuredBandwidth(entry.result.probe),
          );
      return { entry, run, summary, point, onCpu };
    }),
  );
}

type Row = ReturnType<typeof comparisonRows>[number];

function chartBars(rows: Row[], metric: BenchMetric, manySources: boolean): ChartBar[] {
  const scale = metric === 'peakGpuMemoryBytes' ? MIB : 1;
  return rows.map(({ entry, run, summary }) => {
    const figure = summary[metric];
    return {
      label: `${manySources ? `${entry.source} · ` : ''}${shortModelName(run.model)} · ${run.promptTokens} tok`,
      median: figure.median / scale,
      p10: figure.p10 / scale,
      p90: figure.p90 / scale,
      n: figure.n,
    };
  });
}

function runsTable(rows: Row[]) {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Benchmark runs">
    <table data-table="runs">
      <thead>
        <tr>
          <th scope="col">Source</th>
          <th scope="col">Engine · model</th>
          <th scope="col" class="num">Prompt tokens</th>
          <th scope="col" class="num">Cold load</th>
          <th scope="col" class="num">Warm load</th>
          <th scope="col" class="num">TTFT ms</th>
          <th scope="col" class="num">Prefill tok/s</th>
          <th scope="col" class="num">Decode tok/s</th>
          <th scope="col" class="num">Peak GPU MiB</th>
          <th scope="col" class="num">% of roofline</th>
          <th scope="col" class="num">n</th>
          <th scope="col" class="num">Agreement with CPU</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          ({ entry, run, summary, point }) =>
            html`<tr>
              <td>${entry.source}</td>
              <td>
                ${run.engine}${run.computeDevice ? ` (${run.computeDevice})` : ''} · ${run.model}
                ${run.synthetic ? html`<br /><span class="muted" data-synthetic>${SYNTHETIC_LABEL}</span>` : nothing}
              </td>
              <td class="num">${run.promptTokens}</td>
              <td class="num">${formatDuration(run.coldLoadMs)}</td>
              <td class="num">${formatDuration(run.warmLoadMs)}</td>
              <td class="num">${spread(summary.ttftMs)}</td>
              <td class="num">${spread(summary.prefillTokensPerSecond)}</td>
              <td class="num" data-metric="decode">${spread(summary.decodeTokensPerSecond)}</td>
              <td class="num">${spread(summary.peakGpuMemoryBytes, MIB)}</td>
              <td class="num" data-metric="roofline">${formatPercentOfBound(point?.percent)}</td>
              <td class="num">${summary.decodeTokensPerSecond.n}</td>
              <td class="num" data-metric="agreement">${agreementCell(correctnessOf(entry.result, run))}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function rooflineList(rows: Row[]) {
  return html`<ul data-roofline aria-labelledby="roofline-heading">
    ${rows.map(({ entry, run, summary, point, onCpu }) => {
      if (!point) {
        const why = onCpu
          ? 'computed on the CPU, which the GPU’s bandwidth does not limit'
          : entry.result.probe
            ? 'the engine did not report the weights’ size'
            : 'no GPU probe in this result';
        return html`<li class="muted">${entry.source} · ${run.model}: ${why}, so no bound.</li>`;
      }
      const context = run.promptTokens + (run.decodeTokens ?? 0) / 2;
      const bytes = `${formatBytes(run.weightBytes)} weights + ${formatBytes(run.kvBytesPerToken ?? 0)}/token KV`;
      const bound = `${point.bandwidth.gbPerSecond.toFixed(2)} GB/s ÷ that = at most ${point.boundTokensPerSecond.toFixed(0)} tokens/s`;
      const measured = `measured ${summary.decodeTokensPerSecond.median.toFixed(1)}`;
      const share = html`<strong>${formatPercentOfBound(point.percent)}</strong>`;
      return html`<li>
        ${entry.source} · ${run.model} · ${run.promptTokens} prompt tokens: ${bytes} × ${context} tokens =
        ${formatBytes(point.bytesPerToken)} per token; ${bound}; ${measured} = ${share}
      </li>`;
    })}
  </ul>`;
}

export function comparisonView(
  shown: ShownResult[],
  metric: BenchMetric,
  onMetric: (event: Event) => void,
): TemplateResult {
  const rows = comparisonRows(shown);
  return html`
    ${runsTable(rows)}
    <h3>
      <label
        >Chart
        <select name="metric" @change=${onMetric}>
          ${BENCH_METRICS.map(
            (option) => html`<option value=${option} ?selected=${option === metric}>${METRIC_LABELS[option]}</option>`,
          )}
        </select></label
      >
    </h3>
    <edge-llm-bench-chart
      exportparts="chart"
      .bars=${chartBars(rows, metric, shown.length > 1)}
      .metric=${METRIC_LABELS[metric]}
    ></edge-llm-bench-chart>
    <h3 id="roofline-heading">Roofline</h3>
    <p><span class="formula" data-formula>${rooflineFormula()}</span></p>
    <p class="muted">
      Decoding a token reads every weight once plus the KV cache so far (taken at the run's average context: the prompt
      plus half the output), so memory bandwidth caps decode speed.
    </p>
    ${rooflineList(rows)}
  `;
}
