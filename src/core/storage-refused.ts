/**
 * What a visitor is told when the browser refused to store a model that still runs. Its own
 * module: the load summary says it on every such load, without the full list of error messages
 * (core/error-messages.ts), which loads only when something fails.
 */
import type { SerializedError } from '../shared/engine-api.js';
import { formatBytes } from './format.js';

export function storageRefusedMessage(error: SerializedError): string {
  const bytes = Number(error.detail?.bytes);
  const size = Number.isFinite(bytes) && bytes > 0 ? `${formatBytes(bytes)} of its files` : 'its files';
  return `This window cannot keep the model: it will download again next time. The browser refused to store ${size} (${error.message}); it runs now. A private window keeps little; in a normal window, free disk space or allow this site to store data.`;
}
