/**
 * What a test server sent, summed the way the byte-count tests read it: body bytes and GET
 * requests per path, and a wait until the page has stopped asking for anything.
 */
import type { ServedRequest, StaticServer } from './static-server.ts';

/** Body bytes of every response in `requests` (HEAD, 304 and OPTIONS answers count 0). */
export function totalBytes(requests: readonly ServedRequest[]): number {
  return requests.reduce((sum, request) => sum + request.bytes, 0);
}

/** Per path under `prefix` (relative to it): GET requests and the body bytes they carried. */
export function transfersUnder(
  requests: readonly ServedRequest[],
  prefix: string,
): Map<string, { gets: number; bytes: number }> {
  const byPath = new Map<string, { gets: number; bytes: number }>();
  for (const request of requests) {
    if (request.method !== 'GET' || !request.path.startsWith(prefix)) continue;
    const path = request.path.slice(prefix.length);
    const seen = byPath.get(path) ?? { gets: 0, bytes: 0 };
    byPath.set(path, { gets: seen.gets + 1, bytes: seen.bytes + request.bytes });
  }
  return byPath;
}

/** Resolves once the server has seen no new request for `quietMs` (bounded by `timeoutMs`). */
export async function settled(server: StaticServer, quietMs = 1500, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  let count = server.requests.length;
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() - start > timeoutMs) throw new Error(`The page kept fetching for ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (server.requests.length !== count) {
      count = server.requests.length;
      since = Date.now();
    }
  }
}
