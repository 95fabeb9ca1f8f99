/**
 * The network under transformers.js (its `env.fetch`), so each model file crosses the network
 * once:
 * - transformers.js learns a file's size before downloading it by asking for its first byte
 *   (`Range: bytes=0-0`, in get_file_metadata: once for tokenizer_config.json, once for every
 *   file of the model when a progress callback is set). A host that ignores ranges answers with
 *   the whole file, so the model was downloaded twice. Those probes are answered with a HEAD
 *   request (its length is the file's unless the body is re-encoded), asked once per load.
 * - A download cut off mid-file keeps its bytes (partial-downloads.ts); the next attempt asks
 *   the host for the rest with a range request tied to the same version (`If-Range`), or for the
 *   whole file once when the host cannot resume.
 * - Downloads bypass the HTTP cache (the Cache API keeps the model; a second copy would only
 *   cost disk) and stop when the load is cancelled, which also drops what was kept.
 */
import { edgeError, ERROR_NAMES } from '../../src/core/errors.js';
import { continuesDownload, declaredLength, resumeValidator, type HeaderSource } from '../../src/core/http-resume.js';
import { PartialDownloads } from './partial-downloads.js';

type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** What a download that failed left behind, for the message and the retry. */
export interface DownloadFailure {
  url: string;
  /** Bytes of the file that had arrived when it stopped (kept ones included). */
  receivedBytes: number;
  /** Bytes of the file kept for the retry (0 when the host cannot resume it). */
  keptBytes: number;
  totalBytes: number | undefined;
  /** True when the retry asks only for the rest of the file. */
  resumable: boolean;
  message: string;
}

/** transformers.js's way of asking a file's size (get_file_metadata). */
const METADATA_PROBE = 'bytes=0-0';

function urlOf(input: RequestInfo | URL): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

function reencoded(headers: HeaderSource): boolean {
  const encoding = headers.get('content-encoding');
  return encoding !== null && encoding.toLowerCase() !== 'identity';
}

export class ModelFetch {
  readonly partials = new PartialDownloads();
  /** Body bytes the network delivered to downloads in the current load. */
  receivedBytes = 0;
  /** The last download of the current load that failed, if one did. */
  lastFailure: DownloadFailure | undefined;
  private heads = new Map<string, Promise<Response>>();
  private controller = new AbortController();
  private rejectLoad: (error: unknown) => void = () => undefined;

  constructor(private readonly network: Fetch = (input, init) => fetch(input, init)) {}

  /**
   * Starts a load: sizes are asked afresh, counts start at zero, and downloads stop when
   * `signal` aborts. The returned promise rejects when a download of this load fails, so a
   * caller can race it against a library that would wait forever for that file.
   */
  beginLoad(signal: AbortSignal): Promise<never> {
    this.partials.releaseCompleted();
    this.heads = new Map();
    this.receivedBytes = 0;
    this.lastFailure = undefined;
    const controller = new AbortController();
    this.controller = controller;
    const failed = new Promise<never>((_, reject) => {
      this.rejectLoad = reject;
    });
    failed.catch(() => undefined);
    signal.addEventListener(
      'abort',
      () => {
        controller.abort(signal.reason);
        this.rejectLoad(new DOMException('Loading was cancelled.', ERROR_NAMES.abort));
      },
      { once: true },
    );
    return failed;
  }

  /** Drops every kept partial download under a model folder (a cancelled or deleted model). */
  forget(folderUrl: string): void {
    this.partials.dropUnder(folderUrl);
  }

  /** The fetch handed to transformers.js. */
  readonly fetch: Fetch = async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init?.headers ?? request?.headers);
    const url = urlOf(input);
    if (method !== 'GET') return this.network(input, init);
    const range = headers.get('range');
    if (range === METADATA_PROBE) return this.probe(url, input, init);
    if (range !== null) return this.network(input, init);
    return this.download(url, headers);
  };

  /** A file's headers from a HEAD request, asked once per load (a second ask shares the first). */
  head(url: string): Promise<Response> {
    let pending = this.heads.get(url);
    if (!pending) {
      pending = this.network(url, { method: 'HEAD', cache: 'no-store', signal: this.controller.signal });
      this.heads.set(url, pending);
      pending.catch(() => this.heads.delete(url));
    }
    return pending.then((response) => response.clone());
  }

  private async probe(url: string, input: RequestInfo | URL, init: RequestInit | undefined): Promise<Response> {
    try {
      const head = await this.head(url);
      if (head.status === 404) return head;
      if (head.ok && declaredLength(head.headers) !== undefined && !reencoded(head.headers)) return head;
    } catch (error) {
      if (this.controller.signal.aborted) throw error;
    }
    // A host that refuses HEAD, or re-encodes: its own answer to the range probe.
    return this.network(input, init);
  }

  private async download(url: string, headers: Headers): Promise<Response> {
    const init: RequestInit = { headers, cache: 'no-store', signal: this.controller.signal };
    const kept = this.partials.get(url);
    let response: Response | undefined;
    let keptBlob: Blob | undefined;
    if (kept) {
      const ranged = new Headers(headers);
      ranged.set('Range', `bytes=${kept.bytes}-`);
      ranged.set('If-Range', kept.validator);
      const answer = await this.network(url, { ...init, headers: ranged });
      if (continuesDownload(answer.status, answer.headers.get('content-range'), kept.bytes, kept.total)) {
        keptBlob = this.partials.blob(url);
        response = answer;
      } else if (answer.status === 200) {
        // A new version of the file (or a host that ignores If-Range): the whole file, once.
        response = answer;
      } else {
        await answer.body?.cancel().catch(() => undefined);
      }
      this.partials.drop(url);
    }
    response ??= await this.network(url, init);
    if (!response.ok || !response.body) return response;

    const start = keptBlob?.size ?? 0;
    const total = start > 0 ? kept?.total : declaredLength(response.headers);
    const validator = start > 0 ? kept?.validator : resumeValidator(response.headers);
    const recorder =
      validator !== undefined && total !== undefined ? this.partials.begin(url, validator, total, keptBlob) : undefined;
    const headersOut = new Headers(response.headers);
    headersOut.delete('content-range');
    if (total !== undefined) headersOut.set('content-length', String(total));
    return new Response(this.follow(url, response.body, keptBlob, recorder, total), {
      status: 200,
      statusText: 'OK',
      headers: headersOut,
    });
  }

  /** The file's bytes for the reader: the kept ones first, then the network's, each counted and kept. */
  private follow(
    url: string,
    body: ReadableStream<Uint8Array<ArrayBuffer>>,
    kept: Blob | undefined,
    recorder: { append(chunk: Uint8Array<ArrayBuffer>): void } | undefined,
    total: number | undefined,
  ): ReadableStream<Uint8Array<ArrayBuffer>> {
    const network = body.getReader();
    let keptReader = kept ? (kept.stream() as ReadableStream<Uint8Array<ArrayBuffer>>).getReader() : undefined;
    let delivered = 0;
    return new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull: async (controller) => {
        if (keptReader) {
          const { done, value } = await keptReader.read();
          if (!done) {
            delivered += value.byteLength;
            controller.enqueue(value);
            return;
          }
          keptReader = undefined;
        }
        try {
          const { done, value } = await network.read();
          if (done) {
            if (total !== undefined && delivered !== total) {
              throw new Error(`The host sent ${delivered} of the file's ${total} bytes.`);
            }
            this.partials.complete(url);
            controller.close();
            return;
          }
          delivered += value.byteLength;
          this.receivedBytes += value.byteLength;
          recorder?.append(value);
          controller.enqueue(value);
        } catch (error) {
          controller.error(this.failed(url, error, delivered, recorder !== undefined, total));
        }
      },
      cancel: async (reason) => {
        this.partials.drop(url);
        await network.cancel(reason);
      },
    });
  }

  /** Records a download that stopped; returns the error its reader sees. */
  private failed(
    url: string,
    error: unknown,
    receivedBytes: number,
    resumable: boolean,
    total: number | undefined,
  ): unknown {
    if (this.controller.signal.aborted) {
      this.partials.drop(url);
      return error;
    }
    if (!resumable) this.partials.drop(url);
    const keptBytes = this.partials.get(url)?.bytes ?? 0;
    const message = String((error as Error | undefined)?.message ?? error);
    this.lastFailure = { url, receivedBytes, keptBytes, totalBytes: total, resumable, message };
    const failure = downloadError(this.lastFailure);
    this.rejectLoad(failure);
    return failure;
  }
}

/** The error a cut-off download is reported with (its message says what is kept; error-messages.ts). */
export function downloadError(failure: DownloadFailure): Error {
  const { url, receivedBytes, keptBytes, totalBytes, resumable, message } = failure;
  return edgeError(
    ERROR_NAMES.downloadFailed,
    `The download of ${url} stopped after ${receivedBytes} of ${totalBytes ?? 'an unknown number of'} bytes: ${message}`,
    {
      url,
      receivedBytes,
      keptBytes,
      ...(totalBytes === undefined ? {} : { totalBytes }),
      resumable: resumable ? 1 : 0,
    },
  );
}
