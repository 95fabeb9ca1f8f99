/**
 * Loaded only when crash markers are stored: finding the ones whose page is gone, the crash
 * report's wording and the element that shows it, so most visits never download any of it.
 */
import { EdgeLlmCrashNotice } from './crash-notice.js';
import { registerElements } from '../register.js';

registerElements([['edge-llm-crash-notice', EdgeLlmCrashNotice]]);

export { describeCrash } from '../core/crash-report.js';
export { unfinishedIntents } from '../persistence/unfinished-runs.js';
export { clearIntent } from '../persistence/crash-markers.js';

declare global {
  interface HTMLElementTagNameMap {
    'edge-llm-crash-notice': EdgeLlmCrashNotice;
  }
}
