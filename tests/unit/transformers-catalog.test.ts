import { describe, expect, it } from 'vitest';
import { recordFromWebLlm } from '../../src/core/catalog.js';
import { checkFit } from '../../src/core/fit.js';
import {
  crossEngineKey,
  customTransformersRecord,
  estimateVramMB,
  onnxFileForDtype,
  parseTransformersModelId,
  transformersModelId,
  transformersRecords,
} from '../../src/core/transformers-catalog.js';

describe('transformers.js catalog', () => {
  it('names the ONNX file transformers.js loads for each dtype', () => {
    expect(onnxFileForDtype('fp32')).toBe('onnx/model.onnx');
    expect(onnxFileForDtype('fp16')).toBe('onnx/model_fp16.onnx');
    expect(onnxFileForDtype('q4')).toBe('onnx/model_q4.onnx');
    expect(onnxFileForDtype('q4f16')).toBe('onnx/model_q4f16.onnx');
    expect(onnxFileForDtype('q8')).toBe('onnx/model_quantized.onnx');
  });

  it('estimates memory from the weights file size, with runtime overhead', () => {
    // 654 MB = 623.7 MiB, * 1.2 = 748 MiB.
    expect(estimateVramMB(654)).toBe(748);
    // 134 MB = 127.8 MiB, * 1.2 = 153 MiB.
    expect(estimateVramMB(134)).toBe(153);
  });

  it('round-trips ids, including folder URLs that contain "@"-free paths', () => {
    const id = transformersModelId('http://127.0.0.1:8080/models/tiny', 'fp32');
    expect(id).toBe('http://127.0.0.1:8080/models/tiny@fp32');
    expect(parseTransformersModelId(id)).toEqual({ source: 'http://127.0.0.1:8080/models/tiny', dtype: 'fp32' });
    expect(parseTransformersModelId('onnx-community/Qwen2.5-0.5B-Instruct@q4f16')).toEqual({
      source: 'onnx-community/Qwen2.5-0.5B-Instruct',
      dtype: 'q4f16',
    });
  });

  it('lists one chat row per published dtype, marked as estimated', () => {
    const records = transformersRecords();
    const smol = records.filter((record) => record.id.startsWith('HuggingFaceTB/SmolLM2-135M-Instruct@'));
    expect(smol.map((record) => record.quantization)).toEqual(['fp32', 'fp16', 'q4', 'q4f16']);
    expect(smol.find((record) => record.quantization === 'q4f16')?.vramMB).toBe(153);
    expect(records.every((record) => record.engine === 'transformers' && record.vramIsEstimate)).toBe(true);
  });

  it('f16 variants need shader-f16; f32 and q4 variants run without it', () => {
    const device = {
      features: [],
      limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30, maxComputeWorkgroupStorageSize: 32768 },
      deviceMemoryGB: 8,
      isFallbackAdapter: true,
    };
    const records = transformersRecords();
    const byId = (id: string) => records.find((record) => record.id === id)!;
    expect(checkFit(byId('HuggingFaceTB/SmolLM2-360M-Instruct@q4f16'), device, records).verdict).toBe('needs-f16');
    expect(checkFit(byId('HuggingFaceTB/SmolLM2-360M-Instruct@fp16'), device, records).verdict).toBe('needs-f16');
    expect(checkFit(byId('HuggingFaceTB/SmolLM2-360M-Instruct@q4'), device, records).verdict).toBe('fits');
    // The twin offered is the same model without f16.
    expect(checkFit(byId('HuggingFaceTB/SmolLM2-360M-Instruct@q4f16'), device, records).alternative?.id).toBe(
      'HuggingFaceTB/SmolLM2-360M-Instruct@q4',
    );
    expect(checkFit(byId('HuggingFaceTB/SmolLM2-360M-Instruct@fp16'), device, records).alternative?.id).toBe(
      'HuggingFaceTB/SmolLM2-360M-Instruct@fp32',
    );
  });

  it('gives a self-hosted folder a row named after the folder', () => {
    const record = customTransformersRecord({ url: 'http://127.0.0.1:9/fixtures/onnx-tiny/', dtype: 'fp32' });
    expect(record.id).toBe('http://127.0.0.1:9/fixtures/onnx-tiny@fp32');
    expect(record.family).toBe('onnx-tiny');
  });

  it('matches the same model across engines by family and size', () => {
    const webllm = recordFromWebLlm({ model_id: 'SmolLM2-360M-Instruct-q4f32_1-MLC', vram_required_MB: 579.61 });
    const transformers = transformersRecords().find(
      (record) => record.id === 'HuggingFaceTB/SmolLM2-360M-Instruct@q4',
    )!;
    expect(crossEngineKey(webllm)).toBe(crossEngineKey(transformers));
    const llama = recordFromWebLlm({ model_id: 'Llama-3.2-1B-Instruct-q4f32_1-MLC', vram_required_MB: 1128 });
    expect(crossEngineKey(llama)).toBe(crossEngineKey(transformersRecords().find((r) => r.family === 'Llama 3.2')!));
    expect(crossEngineKey(llama)).not.toBe(crossEngineKey(webllm));
  });
});
