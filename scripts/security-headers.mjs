// The app's security headers, in one place: Vite's dev and preview servers, the test and
// benchmark server (static-server.mjs) and the <meta> policy written into the built pages all read
// them, so what is tested is what is shipped. README, "Hosting the built app", lists them for hosts.

/** Where the servers we run accept the browser's CSP violation reports (report-uri). */
export const CSP_REPORT_PATH = '/csp-report';

/**
 * The Content-Security-Policy, directive by directive, with why each source is there. No inline
 * script and no eval anywhere; only what the engines need beyond 'self'.
 */
export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  // 'wasm-unsafe-eval' compiles WebAssembly (web-llm's runtime, ONNX Runtime, llama.cpp) without
  // allowing eval; blob: is the llama.cpp worker wllama starts from its own code.
  'script-src': ["'self'", "'wasm-unsafe-eval'", 'blob:'],
  'worker-src': ["'self'", 'blob:'],
  // Models come from any https host the user or a host page names (the hub, a mirror, a self-hosted
  // folder), and from this machine while developing or testing.
  'connect-src': ["'self'", 'https:', 'http://localhost:*', 'http://127.0.0.1:*'],
  // Markdown images in replies are shown as links and never load.
  'img-src': ["'self'"],
  'style-src': ["'self'"],
  'font-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
};

/** Directives a <meta> policy cannot carry (the browser ignores them there, with a warning). */
const HEADER_ONLY_DIRECTIVES = new Set(['frame-ancestors', 'report-uri', 'report-to', 'sandbox']);

function serialize(directives) {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/** The policy as a response header; `report` adds report-uri for servers that collect reports. */
export function contentSecurityPolicy({ report = false } = {}) {
  return serialize(report ? { ...CSP_DIRECTIVES, 'report-uri': [CSP_REPORT_PATH] } : CSP_DIRECTIVES);
}

/** The same policy for a <meta http-equiv> tag, for hosts that cannot set headers. */
export function metaContentSecurityPolicy() {
  return serialize(
    Object.fromEntries(Object.entries(CSP_DIRECTIVES).filter(([name]) => !HEADER_ONLY_DIRECTIVES.has(name))),
  );
}

/**
 * Cross-origin isolation, so llama.cpp can run WebAssembly threads (SharedArrayBuffer). Every
 * asset the app loads is same-origin; model files from other hosts are fetched with CORS, which
 * require-corp accepts.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Every header the app's pages are served with. */
export function appSecurityHeaders({ report = false } = {}) {
  return {
    ...ISOLATION_HEADERS,
    'Content-Security-Policy': contentSecurityPolicy({ report }),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}
