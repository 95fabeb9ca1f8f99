/**
 * Runs a benchmark for the `<edge-llm-bench>` element: checks the settings, starts a worker of
 * its own, probes the GPU, runs the model protocol and the correctness check, and ends the
 * worker. Cancel aborts it; a crash marker (when asked for) lets the next visit say a benchmark
 * never finished.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { EngineClient } from '../../client/engine-client.js';
import { createEngineClient } from '../../client/shared-client.js';
import { checkProtocol, parsePromptLengths, protocolRecord } from '../../core/bench-protocol.js';
import { deviceLabel } from '../../core/bench-export.js';
import { createBenchResult, type BenchCorrectness, type BenchResult } from '../../core/bench-schema.js';
import type { FriendlyError } from '../../core/error-messages.js';
import { edgeError, ERROR_NAMES, isAbortError } from '../../core/errors.js';
import { EdgeLlmBenchDoneEvent, EdgeLlmBenchProgressEvent } from '../../events.js';
import { benchCorrectness } from '../../measure/bench-correctness.js';
import { benchDevice } from '../../measure/fingerprint.js';
import { benchmarkModel, type BenchProgress } from '../../measure/model-benchmark.js';
import { recordIntent } from '../../persistence/crash-markers.js';
import type { ComputeDevice, CustomModelSource, EngineId, GpuProbeOptions } from '../../shared/engine-api.js';
import { reportError } from '../report-error.js';

export type BenchStatus = 'idle' | 'probing' | 'running';

/** The element's settings a run reads. */
export interface BenchSettings {
  engine: EngineId;
  model: string;
  device: ComputeDevice;
  /** CPU threads for engines that run them (llama.cpp). */
  threads: number | undefined;
  customModels: CustomModelSource | undefined;
  runs: number;
  warmupRuns: number;
  decodeTokens: number;
  promptLengths: string;
  crashMarkers: boolean;
  skipCorrectness: boolean;
  probeOptions: GpuProbeOptions | undefined;
}

export class BenchRunner implements ReactiveController {
  status: BenchStatus = 'idle';
  progress: BenchProgress | undefined;
  error: FriendlyError | undefined;
  /** What is wrong with the settings, in words, when a run was refused. */
  formError = '';
  /** The result measured on this device in this session, if any. */
  result: BenchResult | undefined;

  private client: EngineClient | undefined;
  private controller: AbortController | undefined;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement & BenchSettings) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.controller?.abort();
  }

  get busy(): boolean {
    return this.status !== 'idle';
  }

  cancel(): void {
    this.controller?.abort();
  }

  /** Runs the GPU probe, then (with `withModel`) the model protocol. Rejects when cancelled or failed. */
  async measure(withModel: boolean): Promise<BenchResult> {
    if (this.busy) throw new Error('A benchmark is already running.');
    const host = this.host;
    const protocol = checkProtocol({
      runs: host.runs,
      warmupRuns: host.warmupRuns,
      decodeTokens: host.decodeTokens,
      promptLengths: parsePromptLengths(host.promptLengths),
    });
    if (!protocol.ok) {
      this.update({ formError: `Check the settings: ${protocol.error}.` });
      throw new RangeError(protocol.error);
    }
    if (withModel && !host.model) {
      this.update({ formError: 'Choose a model to benchmark.' });
      throw new Error(this.formError);
    }
    const controller = new AbortController();
    this.controller = controller;
    this.update({ formError: '', error: undefined, status: withModel ? 'running' : 'probing' });
    const client = (this.client ??= createEngineClient());
    // Written before the GPU work starts, removed however it ends, unless the tab dies first.
    const intent = host.crashMarkers
      ? recordIntent({
          kind: 'bench',
          engine: host.engine,
          model: withModel ? host.model : 'GPU probe',
          device: host.device,
        })
      : undefined;
    const report = (progress: BenchProgress) => {
      this.update({ progress });
      host.dispatchEvent(new EdgeLlmBenchProgressEvent(progress));
    };
    try {
      report({ message: 'Reading the GPU adapter', fraction: 0 });
      const device = await client.probeDevice();
      if (device.webgpu !== 'available') {
        throw edgeError(
          device.webgpu === 'no-adapter' ? ERROR_NAMES.noAdapter : ERROR_NAMES.webgpuNotAvailable,
          `WebGPU is not available here (${device.webgpu}).`,
        );
      }
      report({ message: 'GPU probe: bandwidth, matmul and 4-bit mat-vec kernels', fraction: 0 });
      const probe = await client.probeGpu(host.probeOptions);
      controller.signal.throwIfAborted();
      const subject = {
        engine: host.engine,
        model: host.model,
        device: host.device,
        threads: host.threads,
        custom: host.customModels,
      };
      const fingerprint = benchDevice(device);
      const { runs, notes } = withModel
        ? await benchmarkModel(client, subject, protocol.value, { onProgress: report, signal: controller.signal })
        : { runs: [], notes: [] };
      let correctness: BenchCorrectness | undefined;
      if (withModel && !host.skipCorrectness) {
        report({ message: 'Correctness: the same 256 tokens on this device and on the CPU', fraction: 1 });
        correctness = await benchCorrectness(client, subject, deviceLabel({ device: fingerprint }), controller.signal);
      }
      const result = createBenchResult({
        device: fingerprint,
        probe,
        runs,
        notes,
        ...(withModel ? { protocol: protocolRecord(protocol.value) } : {}),
        ...(correctness ? { correctness } : {}),
      });
      this.update({ result });
      host.dispatchEvent(new EdgeLlmBenchDoneEvent(result));
      return result;
    } catch (error) {
      if (!isAbortError(error)) this.update({ error: reportError(host, error) });
      throw error;
    } finally {
      intent?.clear();
      this.controller = undefined;
      this.update({ status: 'idle', progress: undefined });
      // The benchmark's worker holds nothing worth keeping: free its memory for the page.
      this.client?.dispose();
      this.client = undefined;
    }
  }

  /** Forgets an error the visitor is acting on. */
  clearError(): void {
    this.update({ error: undefined });
  }

  private update(changes: Partial<Pick<BenchRunner, 'status' | 'progress' | 'error' | 'formError' | 'result'>>): void {
    Object.assign(this, changes);
    this.host.requestUpdate();
  }
}
