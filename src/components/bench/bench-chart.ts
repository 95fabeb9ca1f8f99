import { LitElement, css, html, nothing, svg } from 'lit';
import { property } from 'lit/decorators.js';
import { themeStyles } from '../theme.js';

/** One bar: a median with its p10-p90 spread. */
export interface ChartBar {
  label: string;
  median: number;
  p10: number;
  p90: number;
  n: number;
}

const ROW_HEIGHT = 28;
const LABEL_WIDTH = 300;
const PLOT_WIDTH = 420;
const VALUE_WIDTH = 150;
const AXIS_HEIGHT = 24;
const WIDTH = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH;

/** A round axis maximum at or above `value`: 1, 2 or 5 times a power of ten. */
export function niceMax(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

function short(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value >= 1000) return `${Number((value / 1000).toFixed(1))}k`;
  return String(Number(value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)));
}

function clip(text: string, max = 44): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Horizontal bars of medians with p10-p90 whiskers, drawn as SVG. Labels are SVG text nodes,
 * so names from an imported file stay text. The table beside it carries the same figures for
 * screen readers; the chart itself has a one-line summary as its accessible name.
 *
 * @summary A bar chart with spread, for benchmark comparisons.
 * @csspart chart - The SVG.
 */
export class EdgeLlmBenchChart extends LitElement {
  static override styles = [
    themeStyles,
    css`
      :host {
        display: block;
      }
      .scroll {
        overflow-x: auto;
      }
      svg {
        width: 100%;
        /* Below this the labels would shrink past reading: scroll instead. */
        min-width: 36rem;
        height: auto;
        font-size: 12px;
      }
      .bar {
        fill: var(--_accent);
        opacity: 0.85;
      }
      .whisker {
        stroke: var(--_text);
        stroke-width: 1.5;
      }
      .grid {
        stroke: var(--_border);
      }
      text {
        fill: var(--_text);
      }
      .axis {
        fill: var(--_muted);
      }
    `,
  ];

  @property({ attribute: false }) bars: ChartBar[] = [];
  /** What the bars measure, e.g. "Decode tokens/s". */
  @property() metric = '';

  override render() {
    if (this.bars.length === 0) return nothing;
    const max = niceMax(Math.max(...this.bars.map((bar) => (Number.isFinite(bar.p90) ? bar.p90 : bar.median))));
    const x = (value: number) => LABEL_WIDTH + (Math.max(0, Math.min(value, max)) / max) * PLOT_WIDTH;
    const height = this.bars.length * ROW_HEIGHT + AXIS_HEIGHT;
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
    const summary = `${this.metric}, median with p10 to p90: ${this.bars
      .map((bar) => `${bar.label} ${short(bar.median)}`)
      .join('; ')}`;
    return html`<div class="scroll" tabindex="0" role="region" aria-label=${`Chart: ${this.metric}`}>
      <svg part="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label=${summary}>
        ${ticks.map(
          (tick) =>
            svg`<line class="grid" x1=${x(tick)} x2=${x(tick)} y1="0" y2=${height - AXIS_HEIGHT}></line>
            <text class="axis" x=${x(tick)} y=${height - 6} text-anchor="middle">${short(tick)}</text>`,
        )}
        ${this.bars.map((bar, i) => {
          const y = i * ROW_HEIGHT;
          const middle = y + ROW_HEIGHT / 2;
          const hasSpread = bar.n > 1 && Number.isFinite(bar.p10) && Number.isFinite(bar.p90);
          return svg`<g data-bar=${i}>
          <title>${bar.label}: median ${short(bar.median)}, p10–p90 ${short(bar.p10)}–${short(bar.p90)}, n=${bar.n}</title>
          <text x=${LABEL_WIDTH - 8} y=${middle + 4} text-anchor="end">${clip(bar.label)}</text>
          <rect class="bar" x=${LABEL_WIDTH} y=${y + 5} width=${Math.max(0, x(bar.median) - LABEL_WIDTH)} height=${ROW_HEIGHT - 10}></rect>
          ${
            hasSpread
              ? svg`<line class="whisker" x1=${x(bar.p10)} x2=${x(bar.p90)} y1=${middle} y2=${middle}></line>
                <line class="whisker" x1=${x(bar.p10)} x2=${x(bar.p10)} y1=${middle - 6} y2=${middle + 6}></line>
                <line class="whisker" x1=${x(bar.p90)} x2=${x(bar.p90)} y1=${middle - 6} y2=${middle + 6}></line>`
              : nothing
          }
          <text x=${LABEL_WIDTH + PLOT_WIDTH + 8} y=${middle + 4}>${short(bar.median)} (${short(bar.p10)}–${short(bar.p90)})</text>
        </g>`;
        })}
      </svg>
    </div>`;
  }
}
