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
  /** Body bytes sent (0 for HEAD, 304 and a client that left before any byte). */
  bytes: number;
  /** The request's `Range` header, when it sent one. */
  range?: string;
  /** True when a fault cut this response short (see {@link StaticServer.cutNext}). */
  cut?: boolean;
  /** True when a fault stopped this response mid-body (see {@link StaticServer.stallNext}). */
  stalled?: boolean;
}
export interface CutReport {
  path: string;
  /** Body bytes sent before the connection was cut. */
  bytes: number;
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
  /**
   * Arms a fault: the next GET of `path` whose body is longer than `afterBytes` sends exactly
   * `afterBytes` body bytes, then the connection is cut and the server stops listening (every
   * other connection is closed too), as if the host died. Resolves once it is down.
   */
  cutNext(fault: { path: string; afterBytes: number }): Promise<CutReport>;
  /**
   * Arms a stall: the next GET of `path` whose body is longer than `afterBytes` sends exactly
   * `afterBytes` body bytes, then nothing more, with the connection left open until the client
   * leaves (a host gone quiet). Resolves once those bytes are sent.
   */
  stallNext(fault: { path: string; afterBytes: number }): Promise<CutReport>;
  /** Listens again on the same port after a fault (nothing happens when it is up). */
  restart(): Promise<void>;
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
