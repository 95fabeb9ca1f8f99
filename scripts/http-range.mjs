// HTTP range and validator rules for the static server (node built-ins only; types in
// http-range.d.mts). Pure functions: the server decides what to send from them.

/**
 * The one byte range a `Range` header asks of a file of `size` bytes, as inclusive offsets.
 * Returns `undefined` when the header is absent or asks for several ranges (the server then sends
 * the whole file, as RFC 9110 allows), and `'unsatisfiable'` when the range lies outside the file.
 */
export function parseRange(header, size) {
  if (typeof header !== 'string') return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first, last] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // A suffix: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** A strong validator for a file: its size and modification time. */
export function entityTag(size, mtimeMs) {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

/** True when an `If-None-Match` header names the file's current tag (or `*`). */
export function matchesIfNoneMatch(header, etag) {
  if (typeof header !== 'string') return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

/**
 * Whether a range request may be answered with a part: without `If-Range` always; with it only
 * when it names the current strong tag or the exact last-modified date.
 */
export function ifRangeAllows(header, etag, lastModified) {
  if (typeof header !== 'string') return true;
  const value = header.trim();
  if (value.startsWith('"')) return value === etag;
  return value === lastModified;
}
