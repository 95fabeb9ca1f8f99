/**
 * The GPU probe on the real SwiftShader adapter, through the library's public `probeGpu` (the
 * built `dist/lib/edge-llm.js`), which runs it in the engine worker on a device of its own.
 */
import type { GpuProbeReport } from '../../src/shared/engine-api.js';
import { expect, test } from './test.ts';

const RUNS = 3;

test('the GPU probe checks every kernel against the CPU reference and reports plausible figures', async ({
  page,
  server,
}) => {
  test.setTimeout(120_000);
  await page.goto(`${server.url}/`);
  const report = await page.evaluate(async (runs) => {
    const library = '/lib/edge-llm.js';
    const { probeGpu } = (await import(library)) as {
      probeGpu: (options: object) => Promise<GpuProbeReport>;
    };
    return probeGpu({ runs, bandwidthBytes: 4 * 1024 * 1024, matmulSize: 128, matvecRows: 512, matvecCols: 1024 });
  }, RUNS);

  expect(report.schema).toBe('edge-llm/probe@2');
  expect(report.adapter.architecture).toBe('swiftshader');
  expect(report.options).toEqual({
    runs: RUNS,
    bandwidthBytes: 4 * 1024 * 1024,
    matmulSize: 128,
    matvecRows: 512,
    matvecCols: 1024,
  });

  expect(report.kernels.matmulF16).toEqual({ status: 'skipped', reason: 'no shader-f16', size: '128x128x128' });

  const ran = ['bandwidth', 'copy', 'matmulF32', 'matvecQ4'] as const;
  for (const id of ran) {
    const kernel = report.kernels[id];
    expect(kernel.status, `${id}: ${kernel.reason ?? ''}`).toBe('ok');
    expect(kernel.check?.passed, id).toBe(true);
    expect(kernel.timer).toBe('wall-clock');
    for (const summary of [kernel.ms, kernel.gbPerSecond, kernel.gflopPerSecond]) {
      if (!summary) continue;
      expect(summary.n, id).toBe(RUNS);
      expect(summary.median, id).toBeGreaterThan(0);
      expect(summary.p10, id).toBeLessThanOrEqual(summary.median);
      expect(summary.median, id).toBeLessThanOrEqual(summary.p90);
    }
  }

  for (const id of ['bandwidth', 'copy'] as const) {
    const gbs = report.kernels[id].gbPerSecond!;
    expect(gbs.median, id).toBeGreaterThan(0.05);
    expect(gbs.median, id).toBeLessThan(500);
  }
  // SwiftShader runs the 4-bit mat-vec at about 0.015 GB/s (0.05 GFLOP/s) at this size.
  expect(report.kernels.matvecQ4.gbPerSecond!.median).toBeGreaterThan(0.001);
  expect(report.kernels.matvecQ4.gbPerSecond!.median).toBeLessThan(500);
  expect(report.kernels.matmulF32.gflopPerSecond!.median).toBeGreaterThan(0.01);
  expect(report.kernels.matvecQ4.gflopPerSecond!.median).toBeGreaterThan(0.01);
  expect(report.kernelToCopyRatio).toBeGreaterThan(0);
  expect(Number.isFinite(report.kernelToCopyRatio)).toBe(true);
  // A matmul reports no GB/s and a copy no GFLOP/s.
  expect(report.kernels.matmulF32.gbPerSecond).toBeUndefined();
  expect(report.kernels.copy.gflopPerSecond).toBeUndefined();
});
