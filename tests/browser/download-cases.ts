/**
 * The models the byte-count tests load, one entry per engine (and file layout): how to open the
 * app on it, which files a first load must fetch exactly once, and what a second load in a fresh
 * page may fetch again. An engine joins the tests with one entry here (see README, "Downloads").
 */
import type { Page } from '@playwright/test';
import type { ErrorCode } from '../../src/core/errors.ts';
import type { LoadReport } from '../../src/shared/engine-api.ts';
import { tinyWebLlmRecord } from '../support/fixtures.ts';
import { fixtureFiles, openApp } from './storage-helpers.ts';
import { chooseModel, expect } from './test.ts';

export interface DownloadCase {
  /** Shown in the test title. */
  title: string;
  /** Opens the app on `origin` with this case's model selected. */
  open(page: Page, origin: string): Promise<void>;
  /** Every file a first load fetches exactly once, by server path, with its size in bytes. */
  files(): Map<string, number>;
  /** How the load ends here: the model loads, or it stops at a known step (with this code). */
  outcome: 'loads' | { failsWith: ErrorCode };
  /** Files a second load, in a fresh page, fetches again (none when the model is stored). */
  fetchedAgain: string[];
}

/** A fixture folder's files by server path (`/fixtures/<folder>/<file>`). */
function served(folder: string, only?: (path: string) => boolean): Map<string, number> {
  return new Map(
    [...fixtureFiles(folder)]
      .filter(([path]) => !only || only(path))
      .map(([path, bytes]) => [`/fixtures/${folder}/${path}`, bytes]),
  );
}

const transformersCase = (folder: string, title: string): DownloadCase => ({
  title,
  open: (page, origin) => openApp(page, origin, folder, false),
  files: () => served(folder),
  outcome: 'loads',
  fetchedAgain: [],
});

const WEBLLM_FOLDER = 'mlc-tiny/resolve/main';
const GGUF = 'gguf-tiny/edge-tiny-q8_0.gguf';
const WEBLLM_LIBRARY = '/fixtures/libs/empty-module.wasm';

export const DOWNLOAD_CASES: DownloadCase[] = [
  transformersCase('onnx-tiny', 'transformers.js, one ONNX file'),
  transformersCase('onnx-tiny-external', 'transformers.js, ONNX graph and external data file'),
  {
    // web-llm 0.2.86 can instantiate no model library available here (ENVIRONMENT.md), so its load
    // stops at the library, after the files it reads first: each of them once. The library that
    // would not start is deleted on purpose (never kept), so only it is fetched again.
    title: 'web-llm, up to its model library',
    open: async (page, origin) => {
      await page.goto(`${origin}/`);
      const record = tinyWebLlmRecord(origin, `${origin}${WEBLLM_LIBRARY}`);
      await page.evaluate(
        (webllm) => {
          document.querySelector('edge-llm-app')!.customModels = { webllm };
        },
        [record],
      );
      await chooseModel(page, record.model_id);
    },
    files: () =>
      new Map([
        ...served(WEBLLM_FOLDER, (path) => path === 'mlc-chat-config.json' || path === 'tensor-cache.json'),
        [WEBLLM_LIBRARY, 8],
      ]),
    outcome: { failsWith: 'model-lib-invalid' },
    fetchedAgain: [WEBLLM_LIBRARY],
  },
  {
    title: 'llama.cpp, one GGUF file',
    open: async (page, origin) => {
      const url = `${origin}/fixtures/${GGUF}`;
      await page.goto(`${origin}/?engine=llamacpp`);
      await page.evaluate(
        (llamacpp) => {
          document.querySelector('edge-llm-app')!.customModels = { llamacpp };
        },
        [{ url }],
      );
      await chooseModel(page, url);
    },
    files: () => served('gguf-tiny', (path) => `gguf-tiny/${path}` === GGUF),
    outcome: 'loads',
    fetchedAgain: [],
  },
  {
    title: 'the engine double, which fetches no model file',
    open: async (page, origin) => {
      await page.goto(`${origin}/?engine=double`);
      await chooseModel(page, 'double-timed');
    },
    files: () => new Map(),
    outcome: 'loads',
    fetchedAgain: [],
  },
];

const chatHandle = 'document.querySelector("edge-llm-app").shadowRoot.querySelector("edge-llm-chat")';

/** Loads the selected model through the chat's API: its report, or the code it failed with. */
export async function loadThroughApi(page: Page): Promise<LoadReport | { failed: string }> {
  await expect(page.locator('edge-llm-chat button[data-action="load"]')).toBeEnabled();
  return page.evaluate(async (handle) => {
    const chat = (0, eval)(handle) as HTMLElement & { load(): Promise<LoadReport>; updateComplete: Promise<unknown> };
    try {
      return await chat.load();
    } catch {
      await chat.updateComplete;
      const panel = chat.shadowRoot?.querySelector('edge-llm-error-panel');
      const alert = panel?.shadowRoot?.querySelector('[role="alert"]');
      return { failed: alert?.getAttribute('data-code') ?? 'unknown' };
    }
  }, chatHandle);
}
