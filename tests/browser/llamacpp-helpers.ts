/** Opening the app on the llama.cpp engine with generated GGUF files, loading one, and chatting. */
import type { Page } from '@playwright/test';
import type { StaticServer } from '../support/static-server.ts';
import { chooseModel, expect, modelRow } from './test.ts';

export const chatHandle = 'document.querySelector("edge-llm-app").shadowRoot.querySelector("edge-llm-chat")';

export const ggufUrl = (server: StaticServer, path: string) => `${server.url}/fixtures/${path}`;

/** Opens the app on the llama.cpp engine with the given GGUF files listed. */
export async function openWithGguf(page: Page, server: StaticServer, paths: string[], query = '') {
  await page.goto(`${server.url}/?engine=llamacpp${query}`);
  await page.evaluate(
    (llamacpp) => {
      document.querySelector('edge-llm-app')!.customModels = { llamacpp };
    },
    paths.map((path) => ({ url: ggufUrl(server, path) })),
  );
  await expect(modelRow(page, ggufUrl(server, paths[0]!))).toBeVisible();
}

export async function loadGguf(page: Page, server: StaticServer, path: string, settings: Record<string, unknown> = {}) {
  await chooseModel(page, ggufUrl(server, path));
  await page.evaluate(({ handle, settings }) => Object.assign((0, eval)(handle) as object, settings), {
    handle: chatHandle,
    settings,
  });
  await page.locator('edge-llm-chat').locator('button[data-action="load"]').click();
}

export async function reply(page: Page, text: string, maxTokens: number) {
  return page.evaluate(
    async ({ text, maxTokens, handle }) => {
      const element = (0, eval)(handle) as HTMLElement & {
        maxTokens: number;
        temperature: number;
        send(text: string): Promise<Record<string, unknown>>;
        outputTokenIds(): Promise<number[]>;
      };
      element.maxTokens = maxTokens;
      element.temperature = 0;
      let events = 0;
      element.addEventListener('edge-llm-token', () => (events += 1));
      const stats = await element.send(text);
      return { stats, events, ids: await element.outputTokenIds() };
    },
    { text, maxTokens, handle: chatHandle },
  );
}
