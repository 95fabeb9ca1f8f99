// `npm run bench -- --compare --twin <name>`: the engine shoot-out plan for a twin (one set of
// random weights in every engine's format, see scripts/twins/), served from the CLI's own server.
// Types: bench-compare.d.mts.
//
// Every engine and device is listed, including those that cannot run here: the page marks them
// with the reason (web-llm 0.2.86 cannot run any library obtainable here; llama.cpp's WebGPU
// backend needs shader-f16), and the table says so instead of leaving them out.

import { basename } from 'node:path';
import { ggufFileName } from './twins/gguf-writer.mjs';
import { TWIN_LIBRARIES, twinFolder, writeTwin } from './twins/index.mjs';
import { twinSpec } from './twins/spec.mjs';

/** Precisions the shoot-out can compare, and each engine's format for it. */
export const PRECISIONS = Object.freeze({
  fp32: { transformers: 'fp32', llamacpp: 'F32' },
  q8: { llamacpp: 'Q8_0' },
  q4: { transformers: 'q4', llamacpp: 'Q4_0', webllm: 'q4f32_1' },
});

const DEVICE_NAMES = { webgpu: 'WebGPU', wasm: 'CPU' };
const label = (engine, device, precision) => `${engine} · ${DEVICE_NAMES[device]} · ${precision}`;

/** Writes (or finds complete) the twin's ONNX and GGUF folders; returns the folders by format. */
export function ensureTwinFiles(twin, out, log) {
  const results = writeTwin(twin, out, { formats: ['onnx', 'gguf'], log });
  return Object.fromEntries(results.map((result) => [result.format, result.folder]));
}

/** Static-server roots for the twin's folders, under /twins/. */
export function twinRoots(out, twin) {
  return {
    [`/twins/${twin}-onnx/`]: twinFolder(out, twin, 'onnx'),
    [`/twins/${twin}-gguf/`]: twinFolder(out, twin, 'gguf'),
  };
}

/**
 * The comparison plan (src/measure/engine-comparison.ts's ComparisonPlan) for a twin served at
 * `origin`: web-llm, transformers.js on WebGPU and on the CPU, llama.cpp on the GPU and on the
 * CPU, at each precision asked for. The full-precision variants read the forced sequence for the
 * agreement.
 * @param {string} twin
 * @param {string} origin
 * @param {{ precisions?: string[], devices?: string[], threads?: number, agreement?: boolean, speed?: boolean }} [options]
 */
export function twinPlan(
  twin,
  origin,
  { precisions = ['fp32', 'q4'], devices = ['webgpu', 'wasm'], threads, agreement = true, speed = true } = {},
) {
  const spec = twinSpec(twin);
  for (const device of devices) {
    if (!DEVICE_NAMES[device]) throw new Error(`unknown device "${device}" (there are: webgpu, wasm)`);
  }
  for (const precision of precisions) {
    if (!PRECISIONS[precision]) {
      throw new Error(`unknown precision "${precision}" (there are: ${Object.keys(PRECISIONS).join(', ')})`);
    }
  }
  const variants = [];
  const library = TWIN_LIBRARIES[twin];
  if (precisions.includes('q4')) {
    variants.push({
      label: label('web-llm', 'webgpu', 'q4f32_1'),
      engine: 'webllm',
      model: `${twin}-twin-q4f32_1-MLC`,
      device: 'webgpu',
      precision: 'q4f32_1',
      synthetic: true,
      ...(library
        ? { library }
        : {
            unavailable: `no compiled web-llm model library with these shapes (${spec.architecture}, ${spec.layers} layers, hidden ${spec.hiddenSize}) can be had here, and web-llm 0.2.86 runs only libraries built for it (v0_2_86), none of which can be downloaded on this machine.`,
          }),
    });
  }
  const onnx = `${origin}/twins/${twin}-onnx`;
  for (const precision of precisions) {
    const dtype = PRECISIONS[precision].transformers;
    if (!dtype) continue;
    for (const device of ['webgpu', 'wasm']) {
      variants.push({
        label: label('transformers.js', device, dtype),
        engine: 'transformers',
        model: `${onnx}@${dtype}`,
        device,
        precision: dtype,
        custom: { transformers: [{ url: onnx, dtype }] },
        synthetic: true,
        ...(agreement && dtype === 'fp32' ? { agreement: true } : {}),
      });
    }
  }
  for (const precision of precisions) {
    const type = PRECISIONS[precision].llamacpp;
    if (!type) continue;
    const url = `${origin}/twins/${twin}-gguf/${ggufFileName(twin, type)}`;
    for (const device of ['webgpu', 'wasm']) {
      variants.push({
        label: label('llama.cpp', device, type),
        engine: 'llamacpp',
        model: url,
        device,
        precision: type,
        custom: { llamacpp: [{ url, name: basename(url) }] },
        synthetic: true,
        ...(threads === undefined ? {} : { threads }),
        ...(agreement && type === 'F32' ? { agreement: true } : {}),
      });
    }
  }
  // Devices left out of this run stay in the table, marked, as every variant that does not run.
  const leftOut = (variant) =>
    devices.includes(variant.device) || variant.unavailable
      ? variant
      : { ...variant, unavailable: `left out of this run (--devices ${devices.join(',')}).` };
  return { subject: `${twin} twin (${spec.twinOf} shapes)`, variants: variants.map(leftOut), speed, agreement };
}
