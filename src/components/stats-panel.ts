import { LitElement, css, html, nothing, svg } from 'lit';
import { property } from 'lit/decorators.js';
import type { GenerationStats, MemorySnapshot, TimingFigures } from '../shared/engine-api.js';
import { formatBytes, formatDuration, formatMiB, formatRate } from '../core/format.js';
import { computePlace } from '../core/compute-place.js';
import { themeStyles } from './theme.js';

/** Figures while a reply streams, from the worker's clock. */
export interface LiveFigures {
  outputTokens: number;
  ttftMs: number | undefined;
  decodeTokensPerSecond: number | undefined;
  series: readonly { atMs: number; tokensPerSecond: number }[];
}

export interface StorageFigures {
  usageBytes: number | undefined;
  quotaBytes: number | undefined;
}

const FIGURE_LABELS: Record<keyof TimingFigures, string> = {
  ttftMs: 'Time to first token',
  prefillTokensPerSecond: 'Prefill',
  decodeTokensPerSecond: 'Decode',
};

function formatFigure(key: keyof TimingFigures, value: number): string {
  return key === 'ttftMs' ? formatDuration(value) : formatRate(value);
}

/**
 * Tokens/s, time to first token and memory, live while generating and final per reply.
 *
 * @summary Live generation statistics.
 * @csspart stats - The statistics panel.
 * @csspart chart - The tokens/s-over-time chart.
 */
export class EdgeLlmStats extends LitElement {
  static override styles = [
    themeStyles,
    css`
      :host {
        display: block;
      }
      dl {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(9.5rem, 100%), 1fr));
        gap: calc(var(--_space) * 0.75);
        margin: 0;
      }
      dl > div {
        background: var(--_surface);
        border-radius: calc(var(--_radius) * 0.7);
        padding: 0.5em 0.7em;
      }
      dt {
        font-size: 0.78em;
        color: var(--_muted);
      }
      dd {
        margin: 0.15em 0 0;
        font-variant-numeric: tabular-nums;
        font-weight: 600;
      }
      .wide {
        grid-column: 1 / -1;
      }
      .cross-check {
        font-weight: 400;
        font-size: 0.8em;
        color: var(--_warn);
        display: block;
      }
      svg {
        width: 100%;
        height: 48px;
        display: block;
        background: var(--_surface);
        border-radius: calc(var(--_radius) * 0.5);
      }
      .chart-label {
        font-size: 0.78em;
        margin-top: var(--_space);
      }
      polyline {
        fill: none;
        stroke: var(--_accent);
        stroke-width: 2;
        vector-effect: non-scaling-stroke;
      }
    `,
  ];

  @property({ attribute: false }) live: LiveFigures | undefined;
  @property({ attribute: false }) final: GenerationStats | undefined;
  @property({ attribute: false }) memory: MemorySnapshot | undefined;
  @property({ attribute: false }) storage: StorageFigures | undefined;
  @property({ type: Number, attribute: false }) declaredVramMB: number | undefined;
  @property({ type: Boolean, attribute: false }) vramIsEstimate = false;
  @property({ type: Boolean, attribute: false }) generating = false;

  override render() {
    return html`
      <section part="stats" aria-label="Generation statistics">
        <dl>
          ${this.generating || !this.final ? this.renderLive() : this.renderFinal(this.final)} ${this.renderMemory()}
        </dl>
        ${this.renderChart()}
      </section>
    `;
  }

  private renderLive() {
    const live = this.live;
    return html`
      <div data-stat="ttft">
        <dt>Time to first token</dt>
        <dd>${formatDuration(live?.ttftMs)}</dd>
      </div>
      <div data-stat="decode">
        <dt>Decode (live)</dt>
        <dd aria-live="off">${formatRate(live?.decodeTokensPerSecond)}</dd>
      </div>
      <div data-stat="tokens-out">
        <dt>Tokens out</dt>
        <dd>${live?.outputTokens ?? '–'}</dd>
      </div>
    `;
  }

  private renderFinal(stats: GenerationStats) {
    const figure = (key: keyof TimingFigures, stat: string) => {
      const disagrees = stats.engine !== undefined && stats.disagreements.includes(key);
      return html`<div data-stat=${stat}>
        <dt>${FIGURE_LABELS[key]}</dt>
        <dd>
          <span class="value">${formatFigure(key, stats[key])}</span>
          ${
            disagrees
              ? html`<span class="cross-check" data-cross-check
                  >wall clock ${formatFigure(key, stats.wallClock[key])}</span
                >`
              : nothing
          }
        </dd>
      </div>`;
    };
    return html`
      ${figure('ttftMs', 'ttft')} ${figure('prefillTokensPerSecond', 'prefill')}
      ${figure('decodeTokensPerSecond', 'decode')}
      <div data-stat="tokens-in">
        <dt>Tokens in</dt>
        <dd>${stats.promptTokens}</dd>
      </div>
      <div data-stat="tokens-out">
        <dt>Tokens out</dt>
        <dd>${stats.outputTokens}${stats.finishReason === 'aborted' ? ' (stopped)' : ''}</dd>
      </div>
      ${
        stats.compute
          ? html`<div data-stat="compute" class="wide">
              <dt>Where it computed</dt>
              <dd>
                ${computePlace(stats.compute)}
                ${
                  stats.compute.reason
                    ? html`<span class="cross-check muted" data-compute-reason>${stats.compute.reason}</span>`
                    : nothing
                }
              </dd>
            </div>`
          : nothing
      }
    `;
  }

  private renderMemory() {
    const memory = this.memory;
    const heap = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;
    return html`
      <div data-stat="gpu-memory">
        <dt>GPU memory (now / peak)</dt>
        <dd>
          ${
            memory?.gpuNotMeasured
              ? html`<span title=${memory.gpuNotMeasured}>not measured for this engine</span>`
              : memory
                ? `${formatBytes(memory.currentBytes)} / ${formatBytes(memory.peakBytes)}`
                : '–'
          }
          ${
            this.declaredVramMB
              ? html`<span class="cross-check muted"
                  >model ${this.vramIsEstimate ? 'estimated at' : 'declares'} ${formatMiB(this.declaredVramMB)}</span
                >`
              : nothing
          }
        </dd>
      </div>
      ${
        memory?.engineRamBytes !== undefined
          ? html`<div data-stat="engine-ram">
              <dt>Model in WebAssembly memory</dt>
              <dd>${formatBytes(memory.engineRamBytes)}</dd>
            </div>`
          : nothing
      }
      ${
        this.storage?.usageBytes !== undefined
          ? html`<div data-stat="storage">
              <dt>Storage used</dt>
              <dd>
                ${formatBytes(this.storage.usageBytes)}${
                  this.storage.quotaBytes
                    ? html`<span class="cross-check muted">of ${formatBytes(this.storage.quotaBytes)} quota</span>`
                    : nothing
                }
              </dd>
            </div>`
          : nothing
      }
      ${
        heap !== undefined || memory?.workerHeapBytes !== undefined
          ? html`<div data-stat="heap">
              <dt>JS heap (page / worker)</dt>
              <dd>${formatBytes(heap)} / ${formatBytes(memory?.workerHeapBytes)}</dd>
            </div>`
          : nothing
      }
    `;
  }

  private renderChart() {
    const points = this.live?.series ?? [];
    if (points.length < 2) return nothing;
    const first = points[0]!.atMs;
    const span = Math.max(1, points.at(-1)!.atMs - first);
    const peak = Math.max(1, ...points.map((point) => point.tokensPerSecond));
    const coordinates = points
      .map(
        (point) =>
          `${(((point.atMs - first) / span) * 100).toFixed(2)},${(40 - (point.tokensPerSecond / peak) * 38).toFixed(2)}`,
      )
      .join(' ');
    return html`<svg
      part="chart"
      viewBox="0 0 100 40"
      preserveAspectRatio="none"
      role="img"
      aria-label="Tokens per second over time, peak ${formatRate(peak)}"
    >
      ${svg`<polyline points=${coordinates}></polyline>`}
    </svg>`;
  }
}
