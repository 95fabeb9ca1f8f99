/**
 * Correctness on this device (issue 13, item 1): the model reads a fixed 256-token sequence on
 * the device under test and again on the CPU reference (the same engine with `device: 'wasm'`:
 * ONNX Runtime's WASM backend for transformers.js, no GPU layers for llama.cpp), and the
 * next-token choices are compared position by position (src/core/agreement.ts).
 */
import type { EngineClient } from '../client/engine-client.js';
import {
  agreementVerdict,
  compareForced,
  FORCED_TEXT,
  FORCED_TOKENS,
  type ForcedComparison,
} from '../core/agreement.js';
import { engineName } from '../core/engines.js';
import type { CorrectnessRecord } from '../core/eval-schema.js';
import type { ComputeDevice, CustomModelSource, EngineId, ForcedChoices } from '../shared/engine-api.js';

/** The engine calls the check makes: those of an `EngineClient`. */
export type CorrectnessEngine = Pick<EngineClient, 'load' | 'forcedChoices' | 'unload'>;

export interface CorrectnessSubject {
  engine: EngineId;
  model: string;
  custom?: CustomModelSource;
  quantization?: string;
}

export interface CorrectnessResult {
  comparison: ForcedComparison;
  ok: boolean;
  record: CorrectnessRecord;
}

const DEVICE_NAMES: Record<ComputeDevice, string> = { webgpu: 'WebGPU', wasm: 'the CPU (WebAssembly)' };

async function forcedOn(
  engine: CorrectnessEngine,
  subject: CorrectnessSubject,
  device: ComputeDevice,
  input: Parameters<CorrectnessEngine['forcedChoices']>[0],
): Promise<ForcedChoices> {
  await engine.load(subject.engine, subject.model, () => undefined, {
    device,
    ...(subject.custom ? { custom: subject.custom } : {}),
  });
  return engine.forcedChoices(input);
}

/** One model on one device, for {@link compareModels}. */
export interface ForcedSubject extends CorrectnessSubject {
  device: ComputeDevice;
}

/**
 * Compares two models' next-token choices over the fixed passage: the same model in two engines
 * or on two devices, or two builds of one model. They must share a tokenizer: the second reads
 * the token ids the first made. Unloads the model afterwards.
 */
export async function compareModels(
  engine: CorrectnessEngine,
  a: ForcedSubject,
  b: ForcedSubject,
): Promise<ForcedComparison> {
  try {
    const first = await forcedOn(engine, a, a.device, { text: FORCED_TEXT, maxTokens: FORCED_TOKENS });
    const second = await forcedOn(engine, b, b.device, { tokenIds: first.tokenIds });
    return compareForced(first, second);
  } finally {
    await engine.unload().catch(() => undefined);
  }
}

/**
 * Checks `subject` on `device` against the CPU reference. `deviceName` names the GPU in the
 * verdict (e.g. from deviceLabel()). Unloads the model afterwards.
 */
export async function checkCorrectness(
  engine: CorrectnessEngine,
  subject: CorrectnessSubject,
  deviceName: string,
  { device = 'webgpu', reference = 'wasm' }: { device?: ComputeDevice; reference?: ComputeDevice } = {},
): Promise<CorrectnessResult> {
  try {
    const tested = await forcedOn(engine, subject, device, { text: FORCED_TEXT, maxTokens: FORCED_TOKENS });
    const baseline = await forcedOn(engine, subject, reference, { tokenIds: tested.tokenIds });
    const comparison = compareForced(tested, baseline);
    const verdict = agreementVerdict(comparison, {
      device: deviceName,
      engine: `${engineName(subject.engine)} on ${DEVICE_NAMES[device]}`,
      quantization: subject.quantization ?? '',
      reference: reference === 'wasm' ? 'the CPU' : DEVICE_NAMES[reference],
    });
    const record: CorrectnessRecord = {
      reference,
      positions: comparison.positions,
      agreeing: comparison.agreeing,
      maxLogprobDelta: comparison.maxLogprobDelta,
      ...(comparison.firstDisagreement === undefined ? {} : { firstDisagreement: comparison.firstDisagreement }),
      message: verdict.message,
    };
    return { comparison, ok: verdict.ok, record };
  } finally {
    await engine.unload().catch(() => undefined);
  }
}
