// Types of http-range.mjs.
export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}
export declare function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined;
export declare function entityTag(size: number, mtimeMs: number): string;
export declare function matchesIfNoneMatch(header: string | undefined, etag: string): boolean;
export declare function ifRangeAllows(header: string | undefined, etag: string, lastModified: string): boolean;
