import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import type { DeviceReport } from '../shared/engine-api.js';
import { isSoftwareAdapter } from '../core/compute-path.js';
import { formatBytes } from '../core/format.js';
import { cardStyles } from './shared-styles.js';
import { themeStyles } from './theme.js';

/**
 * What this device offers a model: the GPU adapter, its features and limits, and memory. Storage
 * is the storage card's (cache-manager.ts), which stays current as models are stored and deleted.
 *
 * @summary The visitor's GPU, as WebGPU reports it.
 * @csspart device - The panel.
 */
export class EdgeLlmDevicePanel extends LitElement {
  static override styles = [
    themeStyles,
    cardStyles,
    css`
      :host {
        display: block;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.3em 1em;
        margin: 0;
      }
      dt {
        color: var(--_muted);
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      .yes {
        color: var(--_ok);
      }
      .no {
        color: var(--_warn);
      }
    `,
  ];

  @property({ attribute: false }) report: DeviceReport | undefined;

  override render() {
    const report = this.report;
    if (!report) return html`<p class="muted" part="device">Looking for a GPU…</p>`;
    if (report.webgpu !== 'available') {
      return html`<p part="device" class="notice" data-webgpu=${report.webgpu}>
        ${report.webgpu === 'no-navigator-gpu' ? 'WebGPU is not available in this browser.' : 'WebGPU offered no GPU adapter.'}
      </p>`;
    }
    const f16 = report.features.includes('shader-f16');
    const software = isSoftwareAdapter(report);
    return html`
      <section part="device" aria-label="This device">
        ${
          software
            ? html`<p class="notice" data-software-gpu>
                Software GPU (${report.architecture || report.description || 'fallback adapter'}): expect very slow
                generation on it, so models run on the CPU unless you choose the GPU.
              </p>`
            : nothing
        }
        <dl>
          <dt>Vendor</dt>
          <dd data-field="vendor">${report.vendor || '–'}</dd>
          <dt>Architecture</dt>
          <dd data-field="architecture">${report.architecture || '–'}</dd>
          <dt>Description</dt>
          <dd data-field="description">${report.description || report.device || '–'}</dd>
          <dt>Adapter</dt>
          <dd data-field="adapter-kind">${report.isFallbackAdapter ? 'fallback (software)' : 'hardware'}</dd>
          <dt>shader-f16</dt>
          <dd data-field="shader-f16" class=${f16 ? 'yes' : 'no'}>
            ${f16 ? 'yes' : 'no: f16 models will not run; use their 32-bit twins (q4f32, q4, fp32)'}
          </dd>
          <dt>Max buffer</dt>
          <dd data-field="max-buffer">${formatBytes(report.limits.maxBufferSize)}</dd>
          <dt>Max storage binding</dt>
          <dd data-field="max-storage-binding">${formatBytes(report.limits.maxStorageBufferBindingSize)}</dd>
          <dt>Device memory</dt>
          <dd data-field="device-memory">
            ${
              report.deviceMemoryGB !== undefined
                ? `about ${report.deviceMemoryGB} GB${report.deviceMemoryGB >= 8 ? ' or more' : ''} (the browser rounds and caps it)`
                : 'not reported by this browser'
            }
          </dd>
        </dl>
      </section>
    `;
  }
}
