/**
 * The app's built files, sorted the way the service worker treats them: the shell (stored at
 * install, so the app starts offline), each engine's runtime (stored on the engine's first use,
 * so a first visit stays light), and pages that are not the app. Pure: file names in, plans out.
 */
import type { EngineId } from '../shared/engine-api.js';

/** The service worker's Cache API scope for engine runtimes. */
export const ENGINE_RUNTIME_CACHE = 'edge-llm-engine-runtimes';

/**
 * Each engine's runtime files, by the names the build gives them (vite.config.ts names the
 * engines' chunks `<engine>-runtime-<hash>.js`). A new engine joins with one line.
 */
const RUNTIME_FILES: Partial<Record<EngineId, RegExp>> = {
  webllm: /(^|\/)webllm-runtime-[\w-]+\.js$/,
  transformers: /(^|\/)(transformers-runtime-[\w-]+\.js|ort-wasm-[\w.-]+\.(mjs|wasm))$/,
  llamacpp: /(^|\/)(llamacpp-runtime-[\w-]+\.js|wllama-[\w-]+\.wasm)$/,
};

/**
 * The app's larger views that a first visit does not show (the benchmark, the evaluation, the
 * saved-conversations panel, the Markdown renderer that comes with the first reply): stored the
 * first time they are opened, as runtimes are, so the first visit stays light. What they import
 * besides stays in the shell, so a view once opened also works offline.
 */
const VIEW_FILES = /(^|\/)(define-bench|define-eval|define-conversations|markdown-view|fingerprint)-[\w-]+\.js$/;

/** The service worker's Cache API scope for those views. */
export const VIEW_CACHE = 'edge-llm-views';

/** Pages beside the app that its service worker neither stores nor answers for. */
const NOT_THE_APP = /(^|\/)(embed|eval)(\.html|-[\w-]+\.js)$/;

/** The engine a built file is the runtime of, if any. */
export function runtimeEngineOf(url: string): EngineId | undefined {
  const path = url.split(/[?#]/, 1)[0] ?? url;
  for (const [engine, pattern] of Object.entries(RUNTIME_FILES) as [EngineId, RegExp][]) {
    if (pattern.test(path)) return engine;
  }
  return undefined;
}

export interface AssetPlan {
  /** Stored when the service worker installs. */
  shell: string[];
  /** Stored on first use, per engine. */
  runtimes: Map<EngineId, string[]>;
  /** Stored when first opened. */
  views: string[];
}

/** Splits the build's file list into the shell and each engine's runtime; other pages are left out. */
export function planAssets(urls: readonly string[]): AssetPlan {
  const plan: AssetPlan = { shell: [], runtimes: new Map(), views: [] };
  for (const url of urls) {
    const engine = runtimeEngineOf(url);
    if (engine) plan.runtimes.set(engine, [...(plan.runtimes.get(engine) ?? []), url]);
    else if (VIEW_FILES.test(url.split(/[?#]/, 1)[0] ?? url)) plan.views.push(url);
    else if (!NOT_THE_APP.test(url)) plan.shell.push(url);
  }
  return plan;
}

/** Engines whose every runtime file of this version is stored, in the order the UI lists engines. */
export function offlineEngines(runtimes: AssetPlan['runtimes'], stored: ReadonlySet<string>): EngineId[] {
  return (Object.keys(RUNTIME_FILES) as EngineId[]).filter((engine) => {
    const urls = runtimes.get(engine) ?? [];
    return urls.length > 0 && urls.every((url) => stored.has(url));
  });
}

/** Stored runtime files this version no longer lists: what an update removes. */
export function staleRuntimeFiles(
  current: AssetPlan['runtimes'] | readonly string[],
  stored: readonly string[],
): string[] {
  const wanted = new Set(Array.isArray(current) ? current : [...(current as AssetPlan['runtimes']).values()].flat());
  return stored.filter((url) => !wanted.has(url));
}

/** The message a page sends its service worker to learn which engines are stored for offline use. */
export const OFFLINE_ENGINES_MESSAGE = 'edge-llm:offline-engines';
