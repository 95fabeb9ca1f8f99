// A tiny static file server for browser tests and the benchmark CLI (node built-ins only).
// Types: static-server.d.mts.
//
//   const server = await startStaticServer({
//     roots: { "/": "dist", "/fixtures/": "tests/fixtures/generated" },
//   });
//   await page.goto(`${server.url}/`);
//   ...
//   expect(server.requests.map((r) => r.path)).toContain("/fixtures/...");
//   await server.close();
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CSP_REPORT_PATH, ISOLATION_HEADERS } from './security-headers.mjs';
const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};
/** Content type for a file name (application/octet-stream when unknown). */
export function contentTypeFor(filePath) {
  return CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}
function normalizeRoots(roots) {
  const list = Object.entries(roots).map(([prefix, dir]) => {
    let p = prefix.startsWith('/') ? prefix : `/${prefix}`;
    if (!p.endsWith('/')) p += '/';
    return { prefix: p, dir: resolve(dir) };
  });
  if (list.length === 0) throw new Error('startStaticServer: `roots` is empty');
  // Longest prefix first.
  return list.sort((a, b) => b.prefix.length - a.prefix.length);
}
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
function errorPage(status, title, detail) {
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${status} ${title}</title></head>` +
    `<body><h1>${status} ${title}</h1><p>${escapeHtml(detail)}</p></body></html>\n`
  );
}
/** True when `child` is `parent` or inside it. */
function isInside(parent, child) {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..'));
}
async function resolveFile(roots, urlPath) {
  // A directory request without a trailing slash needs the slash so that
  // relative URLs inside its index.html resolve correctly.
  const dirPath = urlPath.endsWith('/') ? urlPath : `${urlPath}/`;
  const root = roots.find((r) => dirPath.startsWith(r.prefix));
  if (root === undefined) return null;
  const rest = urlPath.slice(Math.min(root.prefix.length, urlPath.length));
  const segments = rest.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) return null;
  const target = resolve(join(root.dir, ...segments));
  if (!isInside(root.dir, target)) return null;
  let info;
  try {
    info = await stat(target);
  } catch {
    return null;
  }
  if (info.isFile()) {
    if (urlPath.endsWith('/')) return null; // "/file.js/" is not the file
    return { kind: 'file', file: target, size: info.size };
  }
  if (info.isDirectory()) {
    if (!urlPath.endsWith('/')) return { kind: 'redirect', location: dirPath };
    const index = join(target, 'index.html');
    try {
      const indexInfo = await stat(index);
      if (indexInfo.isFile()) return { kind: 'file', file: index, size: indexInfo.size };
    } catch {
      // no index.html
    }
  }
  return null;
}
/** A violation report's body (report-uri sends `{ "csp-report": {...} }`); what is unreadable is kept as text. */
async function readCspReport(req) {
  let body = '';
  for await (const chunk of req) body += chunk.toString();
  try {
    const parsed = JSON.parse(body);
    return parsed['csp-report'] ?? parsed;
  } catch {
    return { unparsed: body };
  }
}

export function startStaticServer(options) {
  const roots = normalizeRoots(options.roots);
  const host = options.host ?? '127.0.0.1';
  const extraHeaders = {
    ...(options.isolate
      ? {
          // Cross-origin isolation (WebAssembly threads), as the app's own servers send it; CORP
          // lets an isolated page on another origin use these files too.
          ...ISOLATION_HEADERS,
          'Cross-Origin-Resource-Policy': 'cross-origin',
        }
      : {}),
    ...(options.headers ?? {}),
  };
  const requests = [];
  const cspReports = [];
  const handle = async (req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const rawPath = rawUrl.split(/[?#]/, 1)[0] ?? '/';
    let path;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      path = rawPath;
    }
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const entry = { method, path, status: 0, at: Date.now() };
    if (origin !== undefined) entry.origin = origin;
    requests.push(entry);
    const send = (status, headers, body) => {
      entry.status = status;
      const all = { ...headers };
      if (options.cors) {
        all['Access-Control-Allow-Origin'] = '*';
        all['Access-Control-Expose-Headers'] = 'Content-Length, Content-Type';
      }
      Object.assign(all, extraHeaders);
      if (body !== undefined) {
        all['Content-Length'] = Buffer.byteLength(body);
        res.writeHead(status, all);
        res.end(method === 'HEAD' ? undefined : body);
      } else {
        res.writeHead(status, all);
        res.end();
      }
    };
    const sendError = (status, title, detail, headers = {}) =>
      send(
        status,
        {
          'Content-Type': 'text/html; charset=utf-8',
          'Cache-Control': 'no-store',
          ...headers,
        },
        errorPage(status, title, detail),
      );
    if (method === 'OPTIONS' && options.cors) {
      send(204, {
        'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
        'Access-Control-Max-Age': '600',
      });
      return;
    }
    if (options.collectCspReports && method === 'POST' && path === CSP_REPORT_PATH) {
      cspReports.push(await readCspReport(req));
      send(204, {});
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      sendError(405, 'Method Not Allowed', `${method} is not supported`, {
        Allow: 'GET, HEAD',
      });
      return;
    }
    if (!path.startsWith('/') || path.includes('\0')) {
      sendError(400, 'Bad Request', 'Invalid path');
      return;
    }
    const found = await resolveFile(roots, path);
    if (found === null) {
      sendError(404, 'Not Found', `${path} was not found on this server`);
      return;
    }
    if (found.kind === 'redirect') {
      const query = rawUrl.slice(rawPath.length);
      send(
        301,
        {
          Location: encodeURI(found.location) + query,
          'Content-Type': 'text/plain; charset=utf-8',
        },
        'Moved\n',
      );
      return;
    }
    entry.status = 200;
    const headers = {
      'Content-Type': contentTypeFor(found.file),
      'Content-Length': found.size,
      'Cache-Control': 'no-cache',
    };
    if (options.cors) {
      headers['Access-Control-Allow-Origin'] = '*';
      headers['Access-Control-Expose-Headers'] = 'Content-Length, Content-Type';
    }
    Object.assign(headers, extraHeaders);
    res.writeHead(200, headers);
    if (method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(found.file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) {
        const body = errorPage(500, 'Internal Server Error', err instanceof Error ? err.message : String(err));
        res.writeHead(500, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Length': Buffer.byteLength(body),
        });
        res.end(body);
      } else {
        res.destroy();
      }
    });
  });
  return new Promise((resolvePromise, rejectPromise) => {
    server.once('error', rejectPromise);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', rejectPromise);
      const address = server.address();
      // A wildcard bind address is not something a browser can be pointed at.
      const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
      const urlHost = reachable.includes(':') ? `[${reachable}]` : reachable;
      const origin = `http://${urlHost}:${address.port}`;
      resolvePromise({
        url: origin,
        origin,
        port: address.port,
        requests,
        cspReports,
        close: () =>
          new Promise((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
