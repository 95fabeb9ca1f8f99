/**
 * When an interrupted download may be resumed with an HTTP range request, and whether the
 * host's answer really continues the same file. Pure: header values in, decisions out.
 */

/** Header values a resume decision reads (a `Headers` object fits). */
export interface HeaderSource {
  get(name: string): string | null;
}

/**
 * The validator that ties a later range request to this exact version of the file (sent as
 * `If-Range`), or undefined when the host does not support resuming it: it must announce byte
 * ranges and give a strong ETag or a Last-Modified date, and the body must not be re-encoded
 * (a compressed body's bytes are not the file's).
 */
export function resumeValidator(headers: HeaderSource): string | undefined {
  if (!/\bbytes\b/i.test(headers.get('accept-ranges') ?? '')) return undefined;
  const encoding = headers.get('content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') return undefined;
  const etag = headers.get('etag');
  if (etag && !etag.startsWith('W/')) return etag;
  return headers.get('last-modified') ?? undefined;
}

export interface ContentRange {
  start: number;
  end: number;
  total: number;
}

/** `bytes 100-199/1000` -> { start: 100, end: 199, total: 1000 }; undefined for anything else. */
export function parseContentRange(value: string | null): ContentRange | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(value?.trim() ?? '');
  if (!match) return undefined;
  const [start, end, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return end >= start && total > end ? { start, end, total } : undefined;
}

/**
 * True when a range response continues a partial download of `have` bytes out of `total`:
 * a 206 starting exactly where the kept bytes end and running to the end of the same-size file.
 */
export function continuesDownload(status: number, contentRange: string | null, have: number, total: number): boolean {
  if (status !== 206) return false;
  const range = parseContentRange(contentRange);
  return range !== undefined && range.start === have && range.end === total - 1 && range.total === total;
}

/** The total size a full (200) response declares, when it declares one. */
export function declaredLength(headers: HeaderSource): number | undefined {
  const length = Number(headers.get('content-length') ?? NaN);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}
