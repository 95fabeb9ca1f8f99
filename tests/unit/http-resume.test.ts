/** When a cut-off download may be resumed, and whether the host's answer continues it. */
import { describe, expect, it } from 'vitest';
import { continuesDownload, declaredLength, parseContentRange, resumeValidator } from '../../src/core/http-resume.js';

const headers = (values: Record<string, string>) => new Headers(values);

describe('resumeValidator', () => {
  it('needs byte ranges and a strong ETag or a date', () => {
    expect(resumeValidator(headers({ 'accept-ranges': 'bytes', etag: '"abc"' }))).toBe('"abc"');
    expect(
      resumeValidator(headers({ 'accept-ranges': 'bytes', etag: 'W/"weak"', 'last-modified': 'Sat, 29 Nov 2025' })),
    ).toBe('Sat, 29 Nov 2025');
    expect(resumeValidator(headers({ 'accept-ranges': 'bytes', etag: 'W/"weak"' }))).toBeUndefined();
    expect(resumeValidator(headers({ 'accept-ranges': 'none', etag: '"abc"' }))).toBeUndefined();
    expect(resumeValidator(headers({ etag: '"abc"' }))).toBeUndefined();
  });

  it('refuses a re-encoded body, whose bytes are not the file', () => {
    expect(resumeValidator(headers({ 'accept-ranges': 'bytes', etag: '"a"', 'content-encoding': 'gzip' }))).toBe(
      undefined,
    );
    expect(resumeValidator(headers({ 'accept-ranges': 'bytes', etag: '"a"', 'content-encoding': 'identity' }))).toBe(
      '"a"',
    );
  });
});

describe('continuesDownload', () => {
  it('accepts only a 206 that starts where the kept bytes end and runs to the end of the same file', () => {
    expect(continuesDownload(206, 'bytes 600-999/1000', 600, 1000)).toBe(true);
    expect(continuesDownload(200, 'bytes 600-999/1000', 600, 1000)).toBe(false);
    expect(continuesDownload(206, 'bytes 500-999/1000', 600, 1000)).toBe(false);
    expect(continuesDownload(206, 'bytes 600-899/1000', 600, 1000)).toBe(false);
    expect(continuesDownload(206, 'bytes 600-1099/1100', 600, 1000)).toBe(false);
    expect(continuesDownload(206, null, 600, 1000)).toBe(false);
  });

  it('reads Content-Range and Content-Length strictly', () => {
    expect(parseContentRange('bytes 0-0/12')).toEqual({ start: 0, end: 0, total: 12 });
    expect(parseContentRange('bytes */12')).toBeUndefined();
    expect(parseContentRange('bytes 5-4/12')).toBeUndefined();
    expect(declaredLength(headers({ 'content-length': '42' }))).toBe(42);
    expect(declaredLength(headers({}))).toBeUndefined();
    expect(declaredLength(headers({ 'content-length': 'x' }))).toBeUndefined();
  });
});
