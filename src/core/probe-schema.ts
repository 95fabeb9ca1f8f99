/**
 * The GPU probe's part of a benchmark file, read back field by field (see bench-schema.ts): its
 * figures feed the roofline and the tables. Reads probe@1 (sample counts named `runs`) and probe@2.
 */
import type { GpuProbeReport, ProbeKernelResult, SampleSummary } from '../shared/engine-api.js';
import { PROBE_SCHEMA } from './probe-math.js';
import { array, boolean, fail, MAX_ENTRIES, nonNegative, record, string } from './schema-checks.js';

const PROBE_KERNELS = ['bandwidth', 'copy', 'matmulF32', 'matmulF16', 'matvecQ4'] as const;
const PROBE_STATUSES = ['ok', 'check-failed', 'skipped', 'error'] as const;
const PROBE_SPEEDS = ['ms', 'gbPerSecond', 'gflopPerSecond'] as const;

/** A probe figure's summary; a probe@1 file named the sample count `runs`. */
function probeSummary(value: unknown, path: string, version: 1 | 2): SampleSummary {
  const s = record(value, path);
  const count = version === 1 ? 'runs' : 'n';
  return {
    median: nonNegative(s.median, `${path}.median`),
    p10: nonNegative(s.p10, `${path}.p10`),
    p90: nonNegative(s.p90, `${path}.p90`),
    n: nonNegative(s[count], `${path}.${count}`),
  };
}

function probeKernel(value: unknown, path: string, version: 1 | 2): ProbeKernelResult {
  const k = record(value, path);
  const status = string(k.status, `${path}.status`);
  if (!(PROBE_STATUSES as readonly string[]).includes(status)) {
    fail(`${path}.status must be one of ${PROBE_STATUSES.join(', ')} (got ${JSON.stringify(status.slice(0, 80))})`);
  }
  const out: ProbeKernelResult = {
    status: status as ProbeKernelResult['status'],
    size: string(k.size, `${path}.size`),
  };
  if (k.reason !== undefined) out.reason = string(k.reason, `${path}.reason`);
  if (k.check !== undefined) {
    const c = record(k.check, `${path}.check`);
    const t = record(c.tolerance, `${path}.check.tolerance`);
    out.check = {
      passed: boolean(c.passed, `${path}.check.passed`),
      maxError: nonNegative(c.maxError, `${path}.check.maxError`),
      maxRelativeError: nonNegative(c.maxRelativeError, `${path}.check.maxRelativeError`),
      tolerance: {
        absolute: nonNegative(t.absolute, `${path}.check.tolerance.absolute`),
        relative: nonNegative(t.relative, `${path}.check.tolerance.relative`),
      },
      size: string(c.size, `${path}.check.size`),
    };
  }
  if (k.timer !== undefined) {
    if (k.timer !== 'wall-clock') fail(`${path}.timer must be "wall-clock"`);
    out.timer = 'wall-clock';
  }
  for (const speed of PROBE_SPEEDS) {
    if (k[speed] !== undefined) out[speed] = probeSummary(k[speed], `${path}.${speed}`, version);
  }
  return out;
}

/** The GPU probe, copied field by field: its figures feed the roofline and the tables. */
export function probe(value: unknown): GpuProbeReport {
  const p = record(value, 'probe');
  if (p.schema !== PROBE_SCHEMA && p.schema !== 'edge-llm/probe@1') {
    fail(`probe.schema must be "${PROBE_SCHEMA}" (got ${JSON.stringify(String(p.schema).slice(0, 80))})`);
  }
  const version = p.schema === PROBE_SCHEMA ? 2 : 1;
  const a = record(p.adapter, 'probe.adapter');
  const o = record(p.options, 'probe.options');
  const kernels = record(p.kernels, 'probe.kernels');
  const ratio =
    p.kernelToCopyRatio === undefined ? undefined : nonNegative(p.kernelToCopyRatio, 'probe.kernelToCopyRatio');
  return {
    schema: PROBE_SCHEMA,
    adapter: {
      vendor: string(a.vendor, 'probe.adapter.vendor'),
      architecture: string(a.architecture, 'probe.adapter.architecture'),
      device: string(a.device, 'probe.adapter.device'),
      description: string(a.description, 'probe.adapter.description'),
      isFallbackAdapter: boolean(a.isFallbackAdapter, 'probe.adapter.isFallbackAdapter'),
      features: array(a.features, 'probe.adapter.features', MAX_ENTRIES, 'entries').map((f, i) =>
        string(f, `probe.adapter.features[${i}]`),
      ),
    },
    options: {
      runs: nonNegative(o.runs, 'probe.options.runs'),
      bandwidthBytes: nonNegative(o.bandwidthBytes, 'probe.options.bandwidthBytes'),
      matmulSize: nonNegative(o.matmulSize, 'probe.options.matmulSize'),
      matvecRows: nonNegative(o.matvecRows, 'probe.options.matvecRows'),
      matvecCols: nonNegative(o.matvecCols, 'probe.options.matvecCols'),
    },
    kernels: Object.fromEntries(
      PROBE_KERNELS.map((id) => [id, probeKernel(kernels[id], `probe.kernels.${id}`, version)]),
    ) as GpuProbeReport['kernels'],
    kernelToCopyRatio: ratio,
    durationMs: nonNegative(p.durationMs, 'probe.durationMs'),
  };
}
