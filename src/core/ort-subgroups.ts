/**
 * Whether ONNX Runtime Web may use WebGPU subgroups on this adapter. Pure.
 *
 * ONNX Runtime Web's flash-attention prefill kernel (1.31-dev,
 * `contrib_ops/webgpu/bert/flash_attention.wgsl.template`) walks the keys in steps of the
 * subgroup's size but scores at least 8 keys a step, fetching them with `subgroupShuffle`: with
 * 4-lane subgroups (SwiftShader; ARM Mali GPUs of the Bifrost generation) the lanes it reads past
 * the fourth do not exist, so every query after the fourth prompt token weighs the wrong keys.
 * Found on the SmolLM2-135M twin, whose next-token choices on WebGPU matched the CPU at 12% of
 * 128 positions; the attention's inputs matched to 1e-6 and its output did not (0.9).
 *
 * ONNX Runtime takes that kernel only on a device created with the `subgroups` feature; without
 * it, its shared-memory path gives the CPU's result (to 7e-6 on the same prompt). So on an adapter
 * whose subgroups can be narrower than 8 lanes, the device ONNX Runtime is given has every feature
 * but the subgroup ones.
 */

/** The narrowest subgroup ONNX Runtime Web's subgroup kernels compute correctly with. */
export const ORT_MIN_SUBGROUP_SIZE = 8;

/** The features that open ONNX Runtime's subgroup kernels, and those that build on them. */
const SUBGROUP_FEATURES: ReadonlySet<string> = new Set([
  'subgroups',
  'subgroup-size-control',
  'chromium-experimental-subgroup-matrix',
]);

/** The facts about an adapter the decision reads (a `GPUAdapter` has them all). */
export interface SubgroupFacts {
  features: Iterable<string>;
  /** `GPUAdapterInfo.subgroupMinSize`; undefined in browsers that do not report it. */
  subgroupMinSize?: number | undefined;
}

/**
 * The features to create ONNX Runtime's device with, or undefined when the device ONNX Runtime
 * creates itself is right: the adapter has no subgroups, or they are never narrower than
 * {@link ORT_MIN_SUBGROUP_SIZE}. A browser that does not report the size is trusted: every
 * hardware GPU but the narrow ones runs 8 lanes or more.
 */
export function ortDeviceFeatures(adapter: SubgroupFacts): string[] | undefined {
  const features = [...adapter.features];
  if (!features.includes('subgroups')) return undefined;
  const narrowest = adapter.subgroupMinSize;
  if (narrowest === undefined || narrowest >= ORT_MIN_SUBGROUP_SIZE) return undefined;
  return features.filter((feature) => !SUBGROUP_FEATURES.has(feature));
}

/** The sentence the stats panel and the benchmark show when the subgroups were withheld. */
export function subgroupsWithheldReason(subgroupMinSize: number): string {
  return (
    `ONNX Runtime's subgroup kernels are off: this GPU's subgroups have ${subgroupMinSize} lanes, ` +
    `and its flash attention computes wrongly with fewer than ${ORT_MIN_SUBGROUP_SIZE}`
  );
}
