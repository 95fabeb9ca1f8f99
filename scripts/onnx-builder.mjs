// A small graph-building helper around onnx-proto: nodes with unique names, initializers held in
// the model or stored as external data, and value infos. Used by the tiny test model
// (onnx-tiny-model.mjs) and by the twins (twins/onnx-writer.mjs).

import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;
export const INT32 = onnx.TensorProto.DataType.INT32;
export const UINT8 = onnx.TensorProto.DataType.UINT8;
const AttrType = onnx.AttributeProto.AttributeType;

/** Marks a number as a float attribute even when it is whole (an epsilon of 1, a softcap of 0). */
export function asFloat(value) {
  return { float: value };
}

function attribute(name, value) {
  if (typeof value === 'object' && value !== null && 'float' in value) {
    return { name, type: AttrType.FLOAT, f: value.float };
  }
  if (Number.isInteger(value) && typeof value === 'number') return { name, type: AttrType.INT, i: value };
  if (typeof value === 'number') return { name, type: AttrType.FLOAT, f: value };
  if (Array.isArray(value)) return { name, type: AttrType.INTS, ints: value };
  throw new Error(`unsupported attribute ${name}`);
}

/** A graph input or output: element type and dims (numbers are fixed, strings symbolic). */
export function valueInfo(name, elemType, dims) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

export class GraphBuilder {
  /** @param {(data: Float32Array) => Float32Array} perturb applied to every weight tensor */
  constructor(perturb = (data) => data) {
    this.perturb = perturb;
    this.nodes = [];
    this.initializers = [];
    this.names = new Set();
    this.counter = 0;
    this.paramCount = 0;
  }

  /** A name not used yet; the empty name (an omitted optional input or output) stays empty. */
  unique(base) {
    if (base === '') return base;
    let name = base;
    while (this.names.has(name)) name = `${base}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  /** float32 initializer from a Float32Array. */
  floatTensor(name, dims, values, { param = true } = {}) {
    const tensorName = this.unique(name);
    const data = param ? this.perturb(values) : values;
    this.initializers.push(
      onnx.TensorProto.create({
        name: tensorName,
        dims,
        dataType: FLOAT,
        rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      }),
    );
    if (param) this.paramCount += data.length;
    return tensorName;
  }

  int64Tensor(name, dims, values) {
    const tensorName = this.unique(name);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push(
      onnx.TensorProto.create({
        name: tensorName,
        dims,
        dataType: INT64,
        rawData: new Uint8Array(data.buffer),
      }),
    );
    return tensorName;
  }

  /** An initializer whose bytes live in an external data file (ONNX's external data format). */
  externalTensor(name, dims, dataType, { location, offset, length }) {
    const tensorName = this.unique(name);
    this.initializers.push(
      onnx.TensorProto.create({
        name: tensorName,
        dims,
        dataType,
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: location },
          { key: 'offset', value: String(offset) },
          { key: 'length', value: String(length) },
        ],
      }),
    );
    return tensorName;
  }

  scalarFloat(name, value) {
    return this.floatTensor(name, [], Float32Array.of(value), { param: false });
  }

  /** Adds a node; returns its single output name (or all of them when outputs > 1). */
  op(opType, inputs, attrs = {}, { name, outputs = 1, domain } = {}) {
    const base = name ?? `${opType}`;
    const nodeName = this.unique(`/${base}`);
    const outs =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, (_, i) => this.unique(`${nodeName}_out${i}`))
        : outputs.map((o) => this.unique(o));
    this.nodes.push(
      onnx.NodeProto.create({
        name: nodeName,
        opType,
        input: inputs,
        output: outs,
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
        ...(domain ? { domain } : {}),
      }),
    );
    return outs.length === 1 ? outs[0] : outs;
  }
}
