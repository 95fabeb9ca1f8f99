/**
 * Nothing downloaded twice: for every engine, a first load fetches each model file exactly once
 * (requests and bytes counted at the server, and the bytes the engine reports counted in the
 * browser), and a second load in a fresh page fetches none of them. Cases: download-cases.ts.
 */
import { transfersUnder } from '../support/transfers.ts';
import { DOWNLOAD_CASES, loadThroughApi } from './download-cases.ts';
import { expect, test } from './test.ts';

for (const model of DOWNLOAD_CASES) {
  test(`${model.title}: a first load fetches each file once, a second load none`, async ({ page, server }) => {
    const files = model.files();
    const fetched = (from: number) =>
      new Map([...transfersUnder(server.requests.slice(from), '')].filter(([path]) => path.startsWith('/fixtures/')));

    await model.open(page, server.url);
    const first = server.requests.length;
    const report = await loadThroughApi(page);
    if (model.outcome !== 'loads') expect(report).toEqual({ failed: model.outcome.failsWith });
    else if (files.size > 0) expect(report).toMatchObject({ fromCache: false });
    else expect(report).toHaveProperty('modelId');

    // Each file exactly once, whole; nothing else under the model's folders.
    const firstLoad = fetched(first);
    expect(new Map([...firstLoad].map(([path, seen]) => [path, seen.gets]))).toEqual(
      new Map([...files.keys()].map((path) => [path, 1])),
    );
    for (const [path, bytes] of files) expect(firstLoad.get(path)?.bytes, path).toBe(bytes);
    const total = [...files.values()].reduce((sum, bytes) => sum + bytes, 0);
    // The browser's count agrees with the server's.
    if ('downloadedBytes' in report) expect(report.downloadedBytes).toBe(total);
    console.log(JSON.stringify({ case: model.title, firstLoadBytes: total, files: files.size }));

    // A fresh page (a new worker): stored files are read from storage, not the network.
    await page.reload();
    await model.open(page, server.url);
    const second = server.requests.length;
    const warm = await loadThroughApi(page);
    if (model.outcome !== 'loads') expect(warm).toEqual({ failed: model.outcome.failsWith });
    else expect(warm).toMatchObject({ downloadedBytes: 0, ...(files.size > 0 ? { fromCache: true } : {}) });
    const secondLoad = fetched(second);
    expect([...secondLoad.keys()].sort()).toEqual([...model.fetchedAgain].sort());
    const warmBytes = [...secondLoad.values()].reduce((sum, seen) => sum + seen.bytes, 0);
    console.log(JSON.stringify({ case: model.title, secondLoadBytes: warmBytes }));
  });
}
