import { describe, expect, it } from 'vitest';
import { safeLinkUrl } from '../../src/core/markdown-url.js';

describe('safeLinkUrl', () => {
  it.each([
    ['https://example.com/a?b=1#c', 'https://example.com/a?b=1#c'],
    ['http://example.com', 'http://example.com/'],
    ['HTTPS://EXAMPLE.com/Path', 'https://example.com/Path'],
    ['mailto:someone@example.com', 'mailto:someone@example.com'],
    ['  https://example.com/padded  ', 'https://example.com/padded'],
    ['https://example.com/a b', 'https://example.com/a%20b'],
  ])('allows %j as %j', (destination, expected) => {
    expect(safeLinkUrl(destination)).toBe(expected);
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    '\u0001javascript:alert(1)',
    ' javascript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'DATA:image/svg+xml;base64,PHN2Zz4=',
    'file:///etc/passwd',
    'blob:https://example.com/uuid',
    'ftp://example.com/file',
    'about:blank',
    'chrome://settings',
    'ws://example.com/socket',
    '/relative/path',
    '//example.com/protocol-relative',
    '#fragment',
    '?query',
    'example.com',
    'java\u200bscript:alert(1)',
    'jаvascript:alert(1)',
    '',
    'https://',
    'http://exa mple.com',
  ])('refuses %j', (destination) => {
    expect(safeLinkUrl(destination)).toBeUndefined();
  });

  it('checks the URL the browser will open, not the text it came from', () => {
    // The URL parser drops tabs and newlines anywhere, so these spell "javascript:" to it.
    for (const spaced of ['jav\tascript:x', 'j\na\rv\ta\tscript:x']) {
      expect(new URL(spaced).protocol).toBe('javascript:');
      expect(safeLinkUrl(spaced)).toBeUndefined();
    }
  });
});
