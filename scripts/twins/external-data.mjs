// ONNX external data files, written tensor by tensor as a graph is built, so that no tensor waits
// in memory for the others. Files are named as transformers.js expects them: <model>.onnx_data,
// then <model>.onnx_data_1, ... when one file would pass the cap (the hub splits at 2 GB, the
// protobuf limit the external data format exists to avoid).

import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Tensors of 1 KiB and more start on a 4096-byte boundary, as onnx's own writer aligns them. */
const ALIGN_BYTES = 4096;
const ALIGN_FROM_BYTES = 1024;
const DEFAULT_CAP_BYTES = 2 * 1024 ** 3;
const PADDING = new Uint8Array(ALIGN_BYTES);

export class ExternalDataWriter {
  /**
   * @param {string} dir folder of the .onnx file
   * @param {string} onnxName the .onnx file's name, e.g. model_q4.onnx
   */
  constructor(dir, onnxName, { capBytes = DEFAULT_CAP_BYTES } = {}) {
    this.dir = dir;
    this.onnxName = onnxName;
    this.capBytes = capBytes;
    /** @type {{ name: string, bytes: number }[]} */
    this.files = [];
    this.fd = undefined;
  }

  /**
   * Appends one tensor of `length` bytes; `fill(write)` hands its bytes over in any number of
   * chunks. Returns where the tensor lies, for its TensorProto's external_data.
   * @param {number} length
   * @param {(write: (chunk: ArrayBufferView) => void) => void} fill
   */
  add(length, fill) {
    let file = this.files.at(-1);
    let offset = file ? this.aligned(file.bytes, length) : 0;
    if (!file || (file.bytes > 0 && offset + length > this.capBytes)) {
      if (this.fd !== undefined) closeSync(this.fd);
      const index = this.files.length;
      file = { name: `${this.onnxName}_data${index === 0 ? '' : `_${index}`}`, bytes: 0 };
      this.files.push(file);
      this.fd = openSync(join(this.dir, file.name), 'w');
      offset = 0;
    }
    if (offset > file.bytes) writeSync(this.fd, PADDING, 0, offset - file.bytes);
    let written = 0;
    fill((chunk) => {
      writeSync(this.fd, new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      written += chunk.byteLength;
    });
    if (written !== length) throw new Error(`external tensor: wrote ${written} bytes, declared ${length}`);
    file.bytes = offset + length;
    return { location: file.name, offset, length };
  }

  aligned(position, length) {
    return length >= ALIGN_FROM_BYTES ? Math.ceil(position / ALIGN_BYTES) * ALIGN_BYTES : position;
  }

  close() {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    return this.files;
  }
}
