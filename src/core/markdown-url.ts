/**
 * Which link destinations a model's reply may carry. Model output is untrusted: a link it writes
 * becomes a live `<a>` only when its destination is an absolute http, https or mailto URL. Pure:
 * no DOM.
 */

/** Protocols a link in a reply may use, as `URL.protocol` spells them. */
export const LINK_PROTOCOLS: readonly string[] = ['http:', 'https:', 'mailto:'];

/**
 * The URL to put in a reply's link, or undefined when the destination is not allowed (another
 * protocol, a relative or unparseable URL).
 *
 * The check runs on the URL as the browser parses it, and the parsed form is what is returned
 * and assigned: the parser drops tabs and newlines and ignores case in the scheme
 * (`JaVa\tScRiPt:`), so a check on the raw text would not be a check on what a click opens.
 * Character references (`&#x6A;avascript:`) must be decoded before calling, as Markdown does.
 * Relative URLs are refused: they would resolve against this app's own origin.
 */
export function safeLinkUrl(destination: string): string | undefined {
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    return undefined;
  }
  return LINK_PROTOCOLS.includes(url.protocol) ? url.href : undefined;
}
