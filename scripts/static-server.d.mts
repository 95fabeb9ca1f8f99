// Types of static-server.mjs, the static file server shared by the browser tests and the CLI.
export interface ServedRequest {
  method: string;
  /** Decoded URL path, without query string or fragment. */
  path: string;
  status: number;
  /** `Date.now()` when the request arrived. */
  at: number;
  /** The request's `Origin` header, when it sent one. */
  origin?: string;
}
export interface StaticServer {
  /**
   * Base URL without a trailing slash, e.g. `http://127.0.0.1:41234` (same as `origin`), so
   * `${server.url}/fixtures/...` works.
   */
  url: string;
  /** `http://host:port`, no trailing slash. */
  origin: string;
  port: number;
  /** Every request served, in arrival order. */
  requests: ServedRequest[];
  /** The CSP violation reports browsers posted (with `collectCspReports`), each report's fields. */
  cspReports: Record<string, unknown>[];
  close(): Promise<void>;
}
export interface StaticServerOptions {
  /** URL prefix -> directory (absolute, or relative to the current working directory). */
  roots: Record<string, string>;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default `0` (a random free port). */
  port?: number;
  /** Add `Access-Control-Allow-Origin: *` (and answer CORS preflights). */
  cors?: boolean;
  /**
   * Serve every response with COOP same-origin, COEP require-corp (cross-origin isolation, so
   * pages can run WebAssembly threads) and CORP cross-origin (so isolated pages elsewhere can use them).
   */
  isolate?: boolean;
  /** Accept the browser's CSP violation reports (POST to /csp-report) into `cspReports`. */
  collectCspReports?: boolean;
  /** Extra headers added to every response. */
  headers?: Record<string, string>;
}
/** Content type for a file name (application/octet-stream when unknown). */
export declare function contentTypeFor(filePath: string): string;
export declare function startStaticServer(options: StaticServerOptions): Promise<StaticServer>;
