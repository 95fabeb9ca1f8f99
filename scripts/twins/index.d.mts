// Types of index.mjs: writing a twin in every format.
/** A digest of the generator's source, stamped into each twin (a changed generator remakes twins). */
export function generatorDigest(): string;
export const TWIN_FORMATS: readonly ('onnx' | 'mlc' | 'gguf')[];
export const SHARED_MLC_DIR: string;
export const TWIN_LIBRARIES: Readonly<Record<string, string>>;
export function twinFolder(out: string, name: string, format: string): string;
export function isTwinComplete(out: string, name: string, format: string, seed?: number): boolean;
export function twinLibrary(name: string, explicit?: string): string | undefined;
export interface TwinWriteResult {
  format: string;
  folder: string;
  bytes: number;
  seconds: number;
  skipped: boolean;
  detail: string;
}
export function writeTwin(
  name: string,
  out: string,
  options?: {
    formats?: readonly string[];
    seed?: number;
    mlcLibrary?: string;
    force?: boolean;
    log?: (line: string) => void;
  },
): TwinWriteResult[];
