// Types of mlc-writer.mjs: a twin as a web-llm (MLC) model folder.
import type { MlcLibraryMetadata, MlcParam } from './mlc-params.mjs';
import type { WeightSource } from './weights.mjs';
export interface TensorCacheRecord extends MlcParam {
  format: 'raw';
  nbytes: number;
  byteOffset: number;
}
export interface TensorCacheManifest {
  metadata: { ParamSize: number; ParamBytes: number; BitsPerParam: number };
  records: { dataPath: string; format: 'raw-shard'; nbytes: number; records: TensorCacheRecord[]; md5sum: string }[];
}
export function writeMlcTwin(
  dir: string,
  source: WeightSource,
  options: { params: MlcParam[]; metadata?: MlcLibraryMetadata; paramsFrom: string },
): { folder: string; manifest: TensorCacheManifest };
