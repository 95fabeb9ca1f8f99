/**
 * Helpers for the offline and cache-manager tests: the app with the tiny ONNX model, its stored
 * files read straight from the Cache API and IndexedDB (never from the UI alone).
 */
import type { Page } from '@playwright/test';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../support/fixtures.ts';
import { chooseModel, expect } from './test.ts';

export const TINY = 'onnx-tiny';
export const chat = (page: Page) => page.locator('edge-llm-chat');
export const manager = (page: Page) => page.locator('edge-llm-cache-manager');
const chatHandle = 'document.querySelector("edge-llm-app").shadowRoot.querySelector("edge-llm-chat")';

/** Every file of a fixture folder, by path relative to it, with its size. */
export function fixtureFiles(folder: string): Map<string, number> {
  const files = new Map<string, number>();
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else files.set(`${prefix}${name}`, statSync(path).size);
    }
  };
  walk(join(FIXTURES_DIR, folder), '');
  return files;
}

/**
 * Opens the app (transformers.js) with a fixture folder selected; with `serviceWorker`, waits
 * until the app's service worker controls the page.
 */
export async function openApp(page: Page, origin: string, folder = TINY, serviceWorker = true): Promise<void> {
  await page.goto(`${origin}/?engine=transformers`);
  if (serviceWorker) {
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: 30_000 });
  }
  await addFolder(page, origin, folder);
}

/** Adds a fixture folder as a self-hosted model and selects it. */
export async function addFolder(page: Page, origin: string, folder: string): Promise<void> {
  await page.evaluate(
    (transformers) => {
      document.querySelector('edge-llm-app')!.customModels = { transformers };
    },
    [{ url: `${origin}/fixtures/${folder}`, dtype: 'fp32' }],
  );
  await chooseModel(page, `${origin}/fixtures/${folder}@fp32`);
}

export async function loadSelected(page: Page): Promise<void> {
  await chat(page).locator('button[data-action="load"]').click();
}

export async function waitReady(page: Page): Promise<void> {
  await expect(chat(page).locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });
}

/** Sends a message through the element's API (greedy) and returns the reply's stats. */
export async function reply(page: Page, text: string, maxTokens: number) {
  return page.evaluate(
    async ({ text, maxTokens, handle }) => {
      const element = (0, eval)(handle) as HTMLElement & {
        maxTokens: number;
        temperature: number;
        send(text: string): Promise<{ outputTokens: number; finishReason: string }>;
      };
      element.maxTokens = maxTokens;
      element.temperature = 0;
      return element.send(text);
    },
    { text, maxTokens, handle: chatHandle },
  );
}

/** The transformers.js cache's entries under `prefix`, with the bytes each body really holds. */
export async function cachedEntries(page: Page, prefix: string): Promise<Record<string, number>> {
  return page.evaluate(async (prefix) => {
    const entries: Record<string, number> = {};
    if (!(await caches.has('transformers-cache'))) return entries;
    const cache = await caches.open('transformers-cache');
    for (const request of await cache.keys()) {
      if (!request.url.startsWith(prefix)) continue;
      const response = await cache.match(request);
      entries[request.url.slice(prefix.length)] = (await response!.arrayBuffer()).byteLength;
    }
    return entries;
  }, prefix);
}

/** Every key of the worker's last-used store (IndexedDB `edge-llm-usage`). */
export async function usageKeys(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const databases = await indexedDB.databases();
    if (!databases.some((db) => db.name === 'edge-llm-usage')) return [];
    return new Promise<string[]>((resolve, reject) => {
      const open = indexedDB.open('edge-llm-usage');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        const keys = db.transaction('last-used').objectStore('last-used').getAllKeys();
        keys.onsuccess = () => {
          db.close();
          resolve(keys.result.map(String));
        };
        keys.onerror = () => reject(keys.error);
      };
    });
  });
}
