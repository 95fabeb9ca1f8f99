/**
 * A GPU probe that needs no model: WGSL compute kernels for memory bandwidth, f32 (and f16) tiled
 * matmul and a 4-bit dequantize-and-multiply mat-vec. Each kernel is first checked against the
 * CPU reference in src/core/probe-math.ts on a small size; only a kernel that passed is timed
 * (one warm-up run, then N runs, each from submit to `queue.onSubmittedWorkDone()`).
 */
import { summarize } from '../../src/core/stats.js';
import type {
  GpuProbeOptions,
  GpuProbeReport,
  ProbeCheck,
  ProbeKernelId,
  ProbeKernelResult,
} from '../../src/shared/engine-api.js';
import {
  PROBE_SCHEMA,
  Q4_GROUP,
  compareOutputs,
  f16BitsToF32,
  f32ToF16Bits,
  gbPerSecond,
  gflopPerSecond,
  matmulF32,
  matmulFlops,
  matvecQ4,
  matvecQ4Bytes,
  packQ4,
  seededValues,
} from '../../src/core/probe-math.js';
import { BANDWIDTH_WGSL, MATVEC_WGSL, matmulWgsl, WORKGROUP } from './probe-kernels.js';

export const DEFAULT_PROBE_OPTIONS: Required<GpuProbeOptions> = {
  runs: 5,
  bandwidthBytes: 64 * 1024 * 1024,
  matmulSize: 512,
  matvecRows: 4096,
  matvecCols: 4096,
};

/** Sizes of the checks that run before anything is timed (odd on purpose, to hit tile edges). */
const CHECK = { bandwidthBytes: 16 * 1000 + 16 * 7, matmul: [37, 29, 53] as const, matvec: [45, 96] as const };

/** x and y workgroup counts for `groups` workgroups, within the per-dimension limit. */
function grid(device: GPUDevice, groups: number): [number, number] {
  const max = device.limits.maxComputeWorkgroupsPerDimension;
  const x = Math.min(groups, max);
  return [x, Math.ceil(groups / x)];
}

class Probe {
  private readonly buffers: GPUBuffer[] = [];

  constructor(private readonly device: GPUDevice) {}

  buffer(size: number, usage: GPUBufferUsageFlags, data?: ArrayBufferView): GPUBuffer {
    const buffer = this.device.createBuffer({ size: Math.ceil(size / 4) * 4, usage, mappedAtCreation: !!data });
    if (data) {
      new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      buffer.unmap();
    }
    this.buffers.push(buffer);
    return buffer;
  }

  storage(data: ArrayBufferView | number, extra: GPUBufferUsageFlags = 0): GPUBuffer {
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extra;
    return typeof data === 'number' ? this.buffer(data, usage) : this.buffer(data.byteLength, usage, data);
  }

  uniform(values: number[]): GPUBuffer {
    return this.buffer(16, GPUBufferUsage.UNIFORM, new Uint32Array([...values, 0, 0, 0, 0].slice(0, 4)));
  }

  async pipeline(code: string): Promise<GPUComputePipeline> {
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code });
    const pipeline = await this.device.createComputePipelineAsync({ layout: 'auto', compute: { module } });
    const error = await this.device.popErrorScope();
    if (error) throw new Error(`WGSL pipeline failed: ${error.message}`);
    return pipeline;
  }

  bind(pipeline: GPUComputePipeline, buffers: GPUBuffer[]): GPUBindGroup {
    return this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  dispatch(pipeline: GPUComputePipeline, group: GPUBindGroup, [x, y]: [number, number]): GPUCommandBuffer {
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(x, y);
    pass.end();
    return encoder.finish();
  }

  async run(commands: GPUCommandBuffer): Promise<void> {
    this.device.pushErrorScope('validation');
    this.device.pushErrorScope('out-of-memory');
    this.device.queue.submit([commands]);
    const [oom, invalid] = [await this.device.popErrorScope(), await this.device.popErrorScope()];
    await this.device.queue.onSubmittedWorkDone();
    if (oom ?? invalid) throw new Error((oom ?? invalid)!.message);
  }

  async read(buffer: GPUBuffer, bytes = buffer.size): Promise<ArrayBuffer> {
    const staging = this.buffer(bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, staging.size);
    await this.run(encoder.finish());
    await staging.mapAsync(GPUMapMode.READ);
    const copy = staging.getMappedRange().slice(0, bytes);
    staging.unmap();
    return copy;
  }

  /** One warm-up run, then `runs` timed runs; commands are encoded before the clock starts. */
  async time(encode: () => GPUCommandBuffer, runs: number): Promise<number[]> {
    await this.run(encode());
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const commands = encode();
      const start = performance.now();
      this.device.queue.submit([commands]);
      await this.device.queue.onSubmittedWorkDone();
      samples.push(performance.now() - start);
    }
    return samples;
  }

  release(): void {
    for (const buffer of this.buffers.splice(0)) buffer.destroy();
  }
}

function timed(
  size: string,
  check: ProbeCheck | undefined,
  samples: number[],
  rates: { bytes?: number; flops?: number },
): ProbeKernelResult {
  return {
    status: 'ok',
    size,
    ...(check ? { check } : {}),
    timer: 'wall-clock',
    ms: summarize(samples),
    ...(rates.bytes !== undefined
      ? { gbPerSecond: summarize(samples.map((ms) => gbPerSecond(rates.bytes!, ms))) }
      : {}),
    ...(rates.flops !== undefined
      ? { gflopPerSecond: summarize(samples.map((ms) => gflopPerSecond(rates.flops!, ms))) }
      : {}),
  };
}

function failedCheck(size: string, check: ProbeCheck): ProbeKernelResult {
  return { status: 'check-failed', reason: `output differs from the CPU reference on ${check.size}`, size, check };
}

/** Runs one kernel's measurement with its buffers released afterwards, turning a throw into a result. */
async function guarded(probe: Probe, size: string, body: () => Promise<ProbeKernelResult>): Promise<ProbeKernelResult> {
  try {
    return await body();
  } catch (error) {
    return { status: 'error', reason: error instanceof Error ? error.message : String(error), size };
  } finally {
    probe.release();
  }
}

async function bandwidth(probe: Probe, device: GPUDevice, bytes: number, runs: number) {
  const vec4s = Math.floor(bytes / 16);
  const size = `${vec4s * 16} bytes`;

  const kernel = await guarded(probe, size, async () => {
    const pipeline = await probe.pipeline(BANDWIDTH_WGSL);
    const input = seededValues(CHECK.bandwidthBytes / 4, 1);
    const src = probe.storage(input);
    const dst = probe.storage(input.byteLength);
    const groups = grid(device, Math.ceil(input.length / 4 / WORKGROUP));
    await probe.run(probe.dispatch(pipeline, probe.bind(pipeline, [src, dst]), groups));
    const out = new Float32Array(await probe.read(dst));
    const check = compareOutputs(
      out,
      input.map((v) => v * 2 + 1),
      { absolute: 1e-6, relative: 1e-6 },
      `${input.byteLength} bytes`,
    );
    if (!check.passed) return failedCheck(size, check);
    probe.release();

    const bigSrc = probe.storage(vec4s * 16);
    const bigDst = probe.storage(vec4s * 16);
    const group = probe.bind(pipeline, [bigSrc, bigDst]);
    const bigGroups = grid(device, Math.ceil(vec4s / WORKGROUP));
    const samples = await probe.time(() => probe.dispatch(pipeline, group, bigGroups), runs);
    return timed(size, check, samples, { bytes: 2 * vec4s * 16 });
  });

  const copy = await guarded(probe, size, async () => {
    const input = seededValues(CHECK.bandwidthBytes / 4, 2);
    const src = probe.storage(input);
    const dst = probe.storage(input.byteLength);
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(src, 0, dst, 0, input.byteLength);
    await probe.run(encoder.finish());
    const check = compareOutputs(
      new Float32Array(await probe.read(dst)),
      input,
      { absolute: 0, relative: 0 },
      `${input.byteLength} bytes`,
    );
    if (!check.passed) return failedCheck(size, check);
    probe.release();

    const bigSrc = probe.storage(vec4s * 16);
    const bigDst = probe.storage(vec4s * 16);
    const samples = await probe.time(() => {
      const e = device.createCommandEncoder();
      e.copyBufferToBuffer(bigSrc, 0, bigDst, 0, vec4s * 16);
      return e.finish();
    }, runs);
    return timed(size, check, samples, { bytes: 2 * vec4s * 16 });
  });
  return { kernel, copy };
}

async function matmul(probe: Probe, device: GPUDevice, n: number, runs: number, f16: boolean) {
  const size = `${n}x${n}x${n}`;
  return guarded(probe, size, async () => {
    const pipeline = await probe.pipeline(matmulWgsl(f16));
    const upload = (values: Float32Array) =>
      f16 ? probe.storage(new Uint16Array(Array.from(values, f32ToF16Bits))) : probe.storage(values);
    const rounded = (values: Float32Array) => (f16 ? values.map((v) => f16BitsToF32(f32ToF16Bits(v))) : values);

    const [m, cols, k] = CHECK.matmul;
    const a = seededValues(m * k, 3);
    const b = seededValues(k * cols, 4);
    const c = probe.storage(m * cols * 4);
    const group = probe.bind(pipeline, [upload(a), upload(b), c, probe.uniform([m, cols, k])]);
    await probe.run(probe.dispatch(pipeline, group, [Math.ceil(cols / 16), Math.ceil(m / 16)]));
    const expected = matmulF32(rounded(a), rounded(b), m, cols, k);
    const check = compareOutputs(
      new Float32Array(await probe.read(c)),
      expected,
      { absolute: 1e-4, relative: 1e-4 },
      `${m}x${cols}x${k}`,
    );
    if (!check.passed) return failedCheck(size, check);
    probe.release();

    const bigGroup = probe.bind(pipeline, [
      upload(seededValues(n * n, 5)),
      upload(seededValues(n * n, 6)),
      probe.storage(n * n * 4),
      probe.uniform([n, n, n]),
    ]);
    const samples = await probe.time(
      () => probe.dispatch(pipeline, bigGroup, [Math.ceil(n / 16), Math.ceil(n / 16)]),
      runs,
    );
    return timed(size, check, samples, { flops: matmulFlops(n, n, n) });
  });
}

/** Random 4-bit weights, scales and input for a rows×cols mat-vec. */
function q4Inputs(rows: number, cols: number, seed: number) {
  const codes = seededValues(rows * cols, seed).map((v) => Math.min(15, Math.floor((v + 1) * 8)));
  const scales = seededValues((rows * cols) / Q4_GROUP, seed + 1).map((v) => 0.01 + Math.abs(v) * 0.05);
  return { packed: packQ4(codes, rows, cols), scales, x: seededValues(cols, seed + 2) };
}

async function matvec(probe: Probe, device: GPUDevice, rows: number, cols: number, runs: number) {
  const size = `${rows}x${cols}`;
  return guarded(probe, size, async () => {
    if (cols % Q4_GROUP !== 0) throw new RangeError(`matvecCols (${cols}) must be a multiple of ${Q4_GROUP}`);
    const pipeline = await probe.pipeline(MATVEC_WGSL);
    const bindAll = (inputs: ReturnType<typeof q4Inputs>, r: number, c: number) => {
      const y = probe.storage(r * 4);
      const group = probe.bind(pipeline, [
        probe.storage(inputs.packed),
        probe.storage(inputs.scales),
        probe.storage(inputs.x),
        y,
        probe.uniform([r, c]),
      ]);
      return { y, group, groups: grid(device, r) };
    };

    const [r, c] = CHECK.matvec;
    const small = q4Inputs(r, c, 7);
    const checked = bindAll(small, r, c);
    await probe.run(probe.dispatch(pipeline, checked.group, checked.groups));
    const expected = matvecQ4(small.packed, small.scales, small.x, r, c);
    const check = compareOutputs(
      new Float32Array(await probe.read(checked.y)),
      expected,
      { absolute: 1e-4, relative: 1e-4 },
      `${r}x${c}`,
    );
    if (!check.passed) return failedCheck(size, check);
    probe.release();

    const big = bindAll(q4Inputs(rows, cols, 11), rows, cols);
    const samples = await probe.time(() => probe.dispatch(pipeline, big.group, big.groups), runs);
    return timed(size, check, samples, { bytes: matvecQ4Bytes(rows, cols), flops: matmulFlops(rows, 1, cols) });
  });
}

function adapterFacts(device: GPUDevice): GpuProbeReport['adapter'] {
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).adapterInfo;
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallbackAdapter: Boolean(info?.isFallbackAdapter),
    features: [...device.features].sort(),
  };
}

/** Runs every kernel on `device` (which the caller owns and destroys). */
export async function runGpuProbe(device: GPUDevice, options: GpuProbeOptions = {}): Promise<GpuProbeReport> {
  const resolved: Required<GpuProbeOptions> = { ...DEFAULT_PROBE_OPTIONS };
  for (const [key, value] of Object.entries(options) as [keyof GpuProbeOptions, number | undefined][])
    if (value !== undefined) resolved[key] = value;
  if (!Number.isInteger(resolved.runs) || resolved.runs < 1) throw new RangeError('runs must be a positive integer');

  const start = performance.now();
  const probe = new Probe(device);
  const { kernel, copy } = await bandwidth(probe, device, resolved.bandwidthBytes, resolved.runs);
  const matmulF32Result = await matmul(probe, device, resolved.matmulSize, resolved.runs, false);
  const f16Size = `${resolved.matmulSize}x${resolved.matmulSize}x${resolved.matmulSize}`;
  const matmulF16Result: ProbeKernelResult = device.features.has('shader-f16')
    ? await matmul(probe, device, resolved.matmulSize, resolved.runs, true)
    : { status: 'skipped', reason: 'no shader-f16', size: f16Size };
  const matvecResult = await matvec(probe, device, resolved.matvecRows, resolved.matvecCols, resolved.runs);

  const kernels: Record<ProbeKernelId, ProbeKernelResult> = {
    bandwidth: kernel,
    copy,
    matmulF32: matmulF32Result,
    matmulF16: matmulF16Result,
    matvecQ4: matvecResult,
  };
  const kernelRate = kernel.gbPerSecond?.median;
  const copyRate = copy.gbPerSecond?.median;
  return {
    schema: PROBE_SCHEMA,
    adapter: adapterFacts(device),
    options: resolved,
    kernels,
    kernelToCopyRatio: kernelRate !== undefined && copyRate ? kernelRate / copyRate : undefined,
    durationMs: performance.now() - start,
  };
}
