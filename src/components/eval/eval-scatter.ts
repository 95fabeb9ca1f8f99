/**
 * The accuracy-against-speed scatter as a pure template: the geometry comes from
 * src/core/eval/scatter.ts, this draws it as SVG. Each dot carries the number of its table row;
 * the table beside it is the text alternative, and a one-sentence summary is the SVG's name.
 * Names from files are SVG text nodes (Lit text bindings), never markup.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import type { ComparisonRow } from '../../core/eval/compare.js';
import { scatterLayout } from '../../core/eval/scatter.js';
import { scatterSummary } from '../../core/eval/shown.js';
import { formatBytes, formatPercent, formatRate } from '../../core/format.js';

/** Drawn at the size it is shown (no scaling), so its text reads the same on a phone and a desktop. */
export const SCATTER_WIDTH = { min: 260, max: 640 };

function tick(value: number): string {
  return value >= 1000 ? `${Number((value / 1000).toFixed(1))}k` : String(Number(value.toPrecision(3)));
}

/**
 * The scatter of `rows`, `width` pixels wide; `label` names a row, `number` is its row number in
 * the table.
 */
export function scatterView(
  rows: readonly ComparisonRow[],
  label: (row: ComparisonRow) => string,
  number: (row: ComparisonRow) => number,
  width: number,
): TemplateResult {
  const WIDTH = Math.round(Math.min(SCATTER_WIDTH.max, Math.max(SCATTER_WIDTH.min, width)));
  const HEIGHT = Math.round(Math.min(340, Math.max(240, WIDTH * 0.6)));
  const maxRadius = WIDTH < 400 ? 14 : 20;
  // Dots at 0% reach below the axis: the tick labels sit below the largest of them.
  const tickY = maxRadius + 12;
  const margin = { left: 52, top: 14, right: 22, bottom: tickY + 24 };
  const byKey = new Map(rows.map((row) => [row.key, row]));
  const layout = scatterLayout(
    rows.map((row) => ({
      key: row.key,
      accuracy: row.accuracy,
      low: row.summary.accuracy.low,
      high: row.summary.accuracy.high,
      decodeTokensPerSecond: row.decodeTokensPerSecond,
      memoryBytes: row.memoryBytes,
      onParetoFront: row.onParetoFront,
    })),
    { width: WIDTH, height: HEIGHT, margin, minRadius: 5, maxRadius },
  );
  if (layout.points.length === 0) {
    return html`<p class="muted" data-no-scatter>
      No run can be placed on the accuracy-against-speed chart: none has a decode speed (every reply was shorter than
      two tokens) or a memory figure.
    </p>`;
  }
  const { plot } = layout;
  return html`<figure class="scatter">
    <svg
      part="scatter"
      width=${WIDTH}
      height=${HEIGHT}
      viewBox="0 0 ${WIDTH} ${HEIGHT}"
      role="img"
      aria-label=${scatterSummary(rows, label)}
    >
      ${layout.yTicks.map(
        ({ value, y }) =>
          svg`<line class="grid" x1=${plot.left} x2=${plot.right} y1=${y} y2=${y}></line>
          <text class="axis" x=${plot.left - 6} y=${y + 4} text-anchor="end">${formatPercent(value)}</text>`,
      )}
      ${layout.xTicks.map(
        ({ value, x }) =>
          svg`<line class="grid" x1=${x} x2=${x} y1=${plot.top} y2=${plot.bottom}></line>
          <text class="axis" x=${x} y=${plot.bottom + tickY} text-anchor="middle">${tick(value)}</text>`,
      )}
      <text class="axis-title" x=${(plot.left + plot.right) / 2} y=${HEIGHT - 6} text-anchor="middle">
        Decode tokens/s${layout.xScale === 'log' ? ' (log scale)' : ''}
      </text>
      <text class="axis-title" transform="rotate(-90)" x=${-(plot.top + plot.bottom) / 2} y="14" text-anchor="middle">
        Accuracy (95% interval)
      </text>
      ${
        // A line needs two points: a front of one is its filled dot.
        layout.points.filter((point) => point.onParetoFront).length > 1
          ? svg`<polyline class="front" data-front-line points=${layout.front}></polyline>`
          : nothing
      }
      ${layout.points.map((point) => {
        const row = byKey.get(point.key)!;
        const name = label(row);
        return svg`<g data-point=${point.key} data-front=${point.onParetoFront ? 'true' : 'false'}>
          <title>${number(row)}. ${name}: ${formatPercent(point.accuracy)} (${formatPercent(point.low)}–${formatPercent(point.high)}), ${formatRate(point.decodeTokensPerSecond)}, ${formatBytes(point.memoryBytes)}${point.onParetoFront ? ', on the Pareto front' : ''}</title>
          <line class="whisker" x1=${point.cx} x2=${point.cx} y1=${point.lowY} y2=${point.highY}></line>
          <circle class=${point.onParetoFront ? 'dot on-front' : 'dot'} cx=${point.cx} cy=${point.cy} r=${point.r}></circle>
          <text class="dot-label" x=${point.cx + point.r + 3} y=${point.cy - 3}>${number(row)}</text>
        </g>`;
      })}
    </svg>
    <figcaption class="muted">
      Numbers are the table's rows. Filled dots and the line: the Pareto front (no other model is at least as accurate,
      as fast and as small, and better at one). Dot area grows with peak memory; whiskers span the 95% interval.
    </figcaption>
  </figure>`;
}
