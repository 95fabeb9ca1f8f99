// Writes a twin as a transformers.js model folder laid out like the hub's ONNX exports:
//   config.json, generation_config.json, tokenizer.json, tokenizer_config.json, README.md,
//   onnx/model.onnx + onnx/model.onnx_data (fp32), onnx/model_q4.onnx + onnx/model_q4.onnx_data (q4)
// The graph (see onnx-graph.mjs) stays in the .onnx file; every weight goes to external data, as
// the hub's current exports store them (and must, past protobuf's 2 GB).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { GraphBuilder } from '../onnx-builder.mjs';
import { ExternalDataWriter } from './external-data.mjs';
import { buildDecoderGraph } from './onnx-graph.mjs';
import { hfConfig, TWIN_NOTE } from './spec.mjs';
import { tokenizerConfig, tokenizerJson } from './tokenizer.mjs';
import { vocabLayout } from './vocab.mjs';

const { onnx } = onnxProto;

/** The ONNX file of each variant, as transformers.js names them by dtype. */
export const ONNX_FILES = Object.freeze({ fp32: 'model.onnx', q4: 'model_q4.onnx' });

/** Builds and writes one variant; returns the .onnx size and its external data files. */
function writeVariant(onnxDir, source, variant) {
  const fileName = ONNX_FILES[variant];
  const external = new ExternalDataWriter(onnxDir, fileName);
  const g = new GraphBuilder();
  let io;
  try {
    io = buildDecoderGraph(g, source, variant, external);
  } finally {
    external.close();
  }
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'com.microsoft', version: 1 },
    ],
    producerName: 'edge-llm twins',
    producerVersion: '1',
    docString: `${source.spec.name} twin (${variant}): ${TWIN_NOTE}. Random weights with the shapes of ${source.spec.twinOf}.`,
    graph: {
      name: `${source.spec.name.replace(/\W/g, '_')}_twin`,
      node: g.nodes,
      initializer: g.initializers,
      input: io.inputs,
      output: io.outputs,
    },
  });
  const error = onnx.ModelProto.verify(model);
  if (error) throw new Error(`invalid ModelProto: ${error}`);
  const bytes = onnx.ModelProto.encode(model).finish();
  writeFileSync(join(onnxDir, fileName), bytes);
  return {
    variant,
    file: fileName,
    bytes: bytes.length,
    dataFiles: external.files,
    nodes: g.nodes.length,
    opTypes: [...new Set(g.nodes.map((node) => node.opType))].sort(),
  };
}

/**
 * Writes the transformers.js folder of a twin.
 * @param {string} dir the model folder
 * @param {ReturnType<typeof import('./weights.mjs').createWeightSource>} source
 * @param {{ variants?: ('fp32' | 'q4')[] }} [options]
 */
export function writeOnnxTwin(dir, source, { variants = ['fp32', 'q4'] } = {}) {
  const { spec } = source;
  const onnxDir = join(dir, 'onnx');
  mkdirSync(onnxDir, { recursive: true });
  const written = variants.map((variant) => writeVariant(onnxDir, source, variant));
  const layout = vocabLayout(spec);
  const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
  const config = {
    ...hfConfig(spec),
    'transformers.js_config': {
      use_external_data_format: Object.fromEntries(written.map((w) => [w.file, w.dataFiles.length])),
    },
    edge_llm_twin: { twin_of: spec.twinOf, note: TWIN_NOTE, seed: source.seed },
  };
  writeFileSync(join(dir, 'config.json'), json(config));
  writeFileSync(
    join(dir, 'generation_config.json'),
    json({ bos_token_id: spec.bosTokenId, eos_token_id: spec.eosTokenId, pad_token_id: spec.padTokenId }),
  );
  writeFileSync(join(dir, 'tokenizer.json'), json(tokenizerJson(layout)));
  writeFileSync(join(dir, 'tokenizer_config.json'), json(tokenizerConfig(spec, layout)));
  writeFileSync(
    join(dir, 'README.md'),
    `# ${spec.name} twin (ONNX, transformers.js)\n\n**${TWIN_NOTE}.** Random weights (seed ${source.seed}) with the ` +
      `shapes of ${spec.twinOf}; never a substitute for the real model.\n\n` +
      written.map((w) => `- \`onnx/${w.file}\` (${w.variant}): ${w.nodes} nodes, ${w.opTypes.join(', ')}\n`).join(''),
  );
  return written;
}
