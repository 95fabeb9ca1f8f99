/**
 * The benchmark's last step (docs/benchmark-protocol.md, "Correctness"): the correctness check of
 * the benchmarked model on this device against the CPU (src/measure/correctness.ts), recorded in
 * the result. A model the check cannot read is reported as not checked, with the reason, rather
 * than failing a benchmark whose figures are already measured.
 */
import { serializeError, ERROR_NAMES, isAbortError } from '../core/errors.js';
import { describeError } from '../core/error-messages.js';
import type { BenchCorrectness } from '../core/correctness-record.js';
import { modelQuantization } from '../core/quantization.js';
import { checkCorrectness, type CorrectnessEngine } from './correctness.js';
import type { BenchSubject } from './model-benchmark.js';

/** Why a model went unchecked, in the words the result keeps. */
export const NOT_CHECKED = {
  unsupported: 'Not checked: this engine cannot be teacher-forced (it has no pass over a fixed sequence).',
  onCpu: 'Not checked: the benchmark computed on the CPU, which is the reference itself.',
} as const;

/**
 * Checks `subject` on this device against the CPU; `deviceName` names the GPU in the verdict.
 * Rejects only when cancelled.
 */
export async function benchCorrectness(
  engine: CorrectnessEngine & { cancelLoad(): Promise<void> },
  subject: BenchSubject,
  deviceName: string,
  signal?: AbortSignal,
): Promise<BenchCorrectness> {
  const quantization = modelQuantization(subject.engine, subject.model);
  const base = {
    engine: subject.engine,
    model: subject.model,
    computeDevice: subject.device,
    ...(quantization ? { quantization } : {}),
  };
  if (subject.device !== 'webgpu') return { ...base, checked: false, message: NOT_CHECKED.onCpu };
  signal?.throwIfAborted();
  const onAbort = () => void engine.cancelLoad().catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const { record } = await checkCorrectness(
      engine,
      {
        engine: subject.engine,
        model: subject.model,
        quantization,
        ...(subject.custom ? { custom: subject.custom } : {}),
      },
      deviceName,
    );
    signal?.throwIfAborted();
    return { ...base, checked: true, ...record };
  } catch (error) {
    if (signal?.aborted || isAbortError(error)) throw error;
    if ((error as Error | undefined)?.name === ERROR_NAMES.forcedChoicesUnsupported) {
      return { ...base, checked: false, message: NOT_CHECKED.unsupported };
    }
    const friendly = describeError(serializeError(error));
    return {
      ...base,
      checked: false,
      message: `Not checked: the check failed (${friendly.title}: ${friendly.message})`,
    };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
