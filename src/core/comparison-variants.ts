/**
 * Which engine variants of a comparison can run on this device, decided before any is loaded, with
 * the reason in words for those that cannot: they stay in the table, marked, never left out.
 */

/** The web-llm runtime edge-llm ships (package.json; a unit test keeps the two in step). */
export const WEBLLM_RUNTIME_VERSION = '0.2.86';

/**
 * The model-library tag each web-llm runtime reads (libraries run only on the runtime they were
 * built for; see ../shared/ENVIRONMENT.md): 0.2.79 reads v0_2_48, 0.2.80 to 0.2.82 v0_2_80,
 * 0.2.84 v0_2_84, 0.2.86 v0_2_86.
 */
export const WEBLLM_LIBRARY_TAGS: Readonly<Record<string, string>> = {
  '0.2.79': 'v0_2_48',
  '0.2.80': 'v0_2_80',
  '0.2.81': 'v0_2_80',
  '0.2.82': 'v0_2_80',
  '0.2.84': 'v0_2_84',
  '0.2.86': 'v0_2_86',
};

/** The tag in a model library's file name ("...-webgpu.v0_2_48.wasm" or ".../v0_2_86/base/..."). */
export function webllmLibraryTag(libraryUrl: string): string | undefined {
  return /v0_2_\d+/.exec(libraryUrl)?.[0];
}

/** Why web-llm `runtime` cannot run this library; undefined when it can (or the tag is unknown). */
export function webllmLibraryRefusal(libraryUrl: string, runtime = WEBLLM_RUNTIME_VERSION): string | undefined {
  const tag = webllmLibraryTag(libraryUrl);
  const wanted = WEBLLM_LIBRARY_TAGS[runtime];
  if (!tag || !wanted || tag === wanted) return undefined;
  const readers = Object.entries(WEBLLM_LIBRARY_TAGS)
    .filter(([, libraryTag]) => libraryTag === tag)
    .map(([version]) => version);
  const older = readers.length > 0 ? `, which only web-llm ${readers.join(' or ')} runs` : '';
  return `web-llm ${runtime} runs only model libraries built for it (${wanted}); the library here is ${tag}${older}.`;
}

/** What a variant needs of the device. */
export interface VariantNeeds {
  engine: string;
  device: string;
}

/**
 * Why a variant cannot run on a GPU with these features; undefined when it can. llama.cpp's
 * WebGPU backend needs shader-f16; without it llama.cpp would quietly run on the CPU, which the
 * CPU variants already measure.
 */
export function deviceRefusal(variant: VariantNeeds, features: readonly string[], webgpu: boolean): string | undefined {
  if (variant.device !== 'webgpu') return undefined;
  if (!webgpu) return 'this browser offers no WebGPU adapter.';
  if (variant.engine === 'llamacpp' && !features.includes('shader-f16')) {
    return "llama.cpp's WebGPU backend needs shader-f16, which this GPU lacks (llama.cpp would run on the CPU instead: see its CPU rows).";
  }
  return undefined;
}

/** "transformers.js · WebGPU · q4", "llama.cpp · CPU · Q4_0" (the precision left out when unknown). */
export function variantLabel(engine: string, device: string, precision: string): string {
  return [engine, device === 'webgpu' ? 'WebGPU' : 'CPU', precision].filter(Boolean).join(' · ');
}
