/**
 * Self-hosted model mirrors: where a model's files live when an intranet mirror stands in for
 * the public model hosts. Pure: no DOM, no worker, no engine import.
 *
 * The layout under a mirror base URL is exactly what `npm run mirror` writes
 * (scripts/mirror.mjs; a unit test keeps the two in step):
 *
 * - web-llm model `https://huggingface.co/<org>/<name>` -> `<base><org>/<name>/resolve/main/...`
 * - web-llm model library `https://raw.githubusercontent.com/.../<file>.wasm` -> `<base>libs/<file>.wasm`
 * - transformers.js hub model `<org>/<name>` -> `<base><org>/<name>/resolve/main/...`
 * - llama.cpp GGUF file `https://huggingface.co/<org>/<name>/resolve/main/<file>` -> `<base><org>/<name>/resolve/main/<file>`
 *
 * The hub's own layout is kept on purpose, so that one mirror folder can hold models of both
 * engines, and so that `python3 -m http.server` over the folder is all the serving it needs.
 */

/** Hosts whose files a mirror stands in for. Records pointing elsewhere are already self-hosted. */
export const PUBLIC_MODEL_HOST = 'https://huggingface.co/';
export const PUBLIC_LIBRARY_HOST = 'https://raw.githubusercontent.com/';

/** Folder of the mirror that holds web-llm model libraries. */
export const MIRROR_LIBRARY_FOLDER = 'libs/';

export type BaseUrlCheck = { ok: true; base: string } | { ok: false; message: string };

/**
 * Checks a mirror base URL typed by a person and normalises it to end in "/" (so relative paths
 * resolve inside it, not beside it). The message says what is wrong and what would be right.
 */
export function checkMirrorBase(input: string): BaseUrlCheck {
  const text = input.trim();
  if (text === '') return { ok: false, message: 'Enter a URL, e.g. https://models.intranet.example/models/.' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {
      ok: false,
      message: `"${text}" is not an absolute URL: start it with http:// or https://, e.g. https://models.intranet.example/models/.`,
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return {
      ok: false,
      message: `The URL starts with ${url.protocol}; a mirror must be served over http:// or https://.`,
    };
  }
  if (url.username || url.password) {
    return { ok: false, message: 'Leave user names and passwords out of the URL; browsers refuse them in fetches.' };
  }
  // An empty "?" or "#" leaves url.search and url.hash empty but stays in the URL's text.
  if (url.search || url.hash || /[?#]/.test(url.href)) {
    return {
      ok: false,
      message: 'Leave out the query (?...) and fragment (#...): model paths are appended to the URL.',
    };
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return { ok: true, base: url.href };
}

/** True for an absolute http(s) URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Path of a web-llm model folder inside a mirror, from its `model` URL, always ending in
 * `resolve/<revision>/` as web-llm normalises it: "mlc-ai/X-MLC/resolve/main/".
 * Undefined for a model that is not on the public hub.
 */
export function webLlmModelMirrorPath(model: string): string | undefined {
  if (!model.startsWith(PUBLIC_MODEL_HOST)) return undefined;
  let path = model.slice(PUBLIC_MODEL_HOST.length).replace(/^\/+/, '');
  if (!path.endsWith('/')) path += '/';
  if (!/.+\/resolve\/.+\//.test(path)) path += 'resolve/main/';
  return path;
}

/** Path of a web-llm model library inside a mirror: "libs/<file>.wasm"; undefined when not public. */
export function webLlmLibraryMirrorPath(modelLib: string): string | undefined {
  if (!modelLib.startsWith(PUBLIC_LIBRARY_HOST)) return undefined;
  const file = new URL(modelLib).pathname.split('/').filter(Boolean).at(-1);
  return file ? `${MIRROR_LIBRARY_FOLDER}${file}` : undefined;
}

/**
 * A web-llm record whose public URLs point into the mirror instead; URLs on other hosts (a
 * record that is already self-hosted) are kept. Without a base the record is returned as is.
 */
export function mirrorWebLlmRecord<T extends { model: string; model_lib: string }>(record: T, base?: string): T {
  if (!base) return record;
  const modelPath = webLlmModelMirrorPath(record.model);
  const libraryPath = webLlmLibraryMirrorPath(record.model_lib);
  if (modelPath === undefined && libraryPath === undefined) return record;
  return {
    ...record,
    ...(modelPath === undefined ? {} : { model: new URL(modelPath, base).href }),
    ...(libraryPath === undefined ? {} : { model_lib: new URL(libraryPath, base).href }),
  };
}

/** transformers.js's `env.remoteHost` and `env.remotePathTemplate` for a hub or a mirror. */
export function transformersRemote(base?: string): { remoteHost: string; remotePathTemplate: string } {
  return { remoteHost: base ?? PUBLIC_MODEL_HOST, remotePathTemplate: '{model}/resolve/{revision}/' };
}

/** Folder URL of a transformers.js hub model ("org/name"), on the hub or in the mirror. */
export function transformersHubFolderUrl(model: string, base?: string): string {
  return new URL(`${model.replace(/^\/+|\/+$/g, '')}/resolve/main/`, base ?? PUBLIC_MODEL_HOST).href;
}

/** A llama.cpp GGUF file's URL in the mirror when it is on the public hub; other URLs as they are. */
export function mirrorLlamaCppUrl(url: string, base?: string): string {
  if (!base || !url.startsWith(PUBLIC_MODEL_HOST)) return url;
  return new URL(url.slice(PUBLIC_MODEL_HOST.length), base).href;
}
