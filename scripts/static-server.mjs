// A tiny static file server for browser tests and the benchmark CLI (node built-ins only).
// Types: static-server.d.mts. It behaves like a typical static host (ETag, 304, byte ranges),
// counts the body bytes of every response, and can die mid-file and come back (a fault for tests).
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
import { entityTag, ifRangeAllows, matchesIfNoneMatch, parseRange } from './http-range.mjs';
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
    return { kind: 'file', file: target, size: info.size, mtimeMs: info.mtimeMs };
  }
  if (info.isDirectory()) {
    if (!urlPath.endsWith('/')) return { kind: 'redirect', location: dirPath };
    const index = join(target, 'index.html');
    try {
      const indexInfo = await stat(index);
      if (indexInfo.isFile()) return { kind: 'file', file: index, size: indexInfo.size, mtimeMs: indexInfo.mtimeMs };
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

/** Headers a page on another origin may read: resuming a download needs the validators and ranges. */
const EXPOSED_HEADERS = 'Content-Length, Content-Type, Content-Range, Accept-Ranges, ETag, Last-Modified';

export function startStaticServer(options) {
  const roots = normalizeRoots(options.roots);
  const host = options.host ?? '127.0.0.1';
  const cors = options.cors
    ? { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': EXPOSED_HEADERS }
    : {};
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
  /** Armed faults: the next GET of `path` is cut after `afterBytes` body bytes and the server dies. */
  const faults = [];

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
    const entry = { method, path, status: 0, at: Date.now(), bytes: 0 };
    if (origin !== undefined) entry.origin = origin;
    if (typeof req.headers.range === 'string') entry.range = req.headers.range;
    requests.push(entry);
    const send = (status, headers, body) => {
      entry.status = status;
      const all = { ...headers, ...cors, ...extraHeaders };
      if (body !== undefined) {
        all['Content-Length'] = Buffer.byteLength(body);
        res.writeHead(status, all);
        if (method !== 'HEAD') entry.bytes = Buffer.byteLength(body);
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
    const etag = entityTag(found.size, found.mtimeMs);
    const lastModified = new Date(found.mtimeMs).toUTCString();
    const headers = {
      'Content-Type': contentTypeFor(found.file),
      'Cache-Control': 'no-cache',
      ETag: etag,
      'Last-Modified': lastModified,
      'Accept-Ranges': 'bytes',
      ...cors,
      ...extraHeaders,
    };
    if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
      entry.status = 304;
      res.writeHead(304, headers);
      res.end();
      return;
    }
    let range = parseRange(req.headers.range, found.size);
    if (range !== undefined && !ifRangeAllows(req.headers['if-range'], etag, lastModified)) range = undefined;
    if (range === 'unsatisfiable') {
      sendError(416, 'Range Not Satisfiable', `The file has ${found.size} bytes`, {
        'Content-Range': `bytes */${found.size}`,
      });
      return;
    }
    const start = range?.start ?? 0;
    const length = range ? range.end - range.start + 1 : found.size;
    if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${found.size}`;
    headers['Content-Length'] = length;
    entry.status = range ? 206 : 200;
    res.writeHead(entry.status, headers);
    if (method === 'HEAD' || length === 0) {
      res.end();
      return;
    }
    const faultIndex = faults.findIndex((fault) => fault.path === path && fault.afterBytes < length);
    const fault = faultIndex >= 0 ? faults.splice(faultIndex, 1)[0] : undefined;
    const sent = fault ? fault.afterBytes : length;
    const stream = createReadStream(found.file, { start, end: start + sent - 1 });
    stream.on('data', (chunk) => {
      entry.bytes += chunk.length;
    });
    stream.on('error', () => res.destroy());
    if (!fault) {
      stream.pipe(res);
      return;
    }
    stream.pipe(res, { end: false });
    stream.on('end', () => {
      if (fault.stall) {
        // A host that stops sending but keeps the connection open, until the client leaves.
        entry.stalled = true;
        res.write('', () => fault.done({ path, bytes: entry.bytes }));
        return;
      }
      entry.cut = true;
      // Flushed to the socket first, and a moment given for it to arrive, so the client really
      // receives `afterBytes` (a connection closed at once can take bytes still in flight with
      // it), then the host dies.
      res.write('', () => {
        setTimeout(() => {
          req.socket.destroy();
          void stopListening().then(() => fault.done({ path, bytes: entry.bytes }));
        }, 250);
      });
    });
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

  let listening = false;
  const listen = (port) =>
    new Promise((resolvePromise, rejectPromise) => {
      server.once('error', rejectPromise);
      server.listen(port, host, () => {
        server.off('error', rejectPromise);
        listening = true;
        resolvePromise(server.address().port);
      });
    });
  const stopListening = () =>
    new Promise((done, fail) => {
      if (!listening) return done();
      listening = false;
      server.close((err) => (err ? fail(err) : done()));
      server.closeAllConnections();
    });

  return listen(options.port ?? 0).then((port) => {
    // A wildcard bind address is not something a browser can be pointed at.
    const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
    const urlHost = reachable.includes(':') ? `[${reachable}]` : reachable;
    const origin = `http://${urlHost}:${port}`;
    return {
      url: origin,
      origin,
      port,
      requests,
      cspReports,
      cutNext: ({ path, afterBytes }) =>
        new Promise((done) => {
          faults.push({ path, afterBytes, done });
        }),
      stallNext: ({ path, afterBytes }) =>
        new Promise((done) => {
          faults.push({ path, afterBytes, done, stall: true });
        }),
      restart: async () => {
        if (!listening) await listen(port);
      },
      close: () => stopListening(),
    };
  });
}
