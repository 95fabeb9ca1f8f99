/**
 * Reading llama.cpp's log after a load: wllama resolves `loadModel()` even when llama.cpp
 * failed to load the file (the failure surfaces only on the first request, as an abort), so the
 * engine looks for llama.cpp's own words and turns them into a specific error. Pure.
 */

export type LoadProblem =
  'bad-magic' | 'truncated' | 'unknown-architecture' | 'unsupported-type' | 'out-of-memory' | 'other';

export interface LoadFailure {
  problem: LoadProblem;
  /** llama.cpp's own explanation, one line. */
  detail: string;
  /** The architecture or type named, when the problem is one. */
  subject?: string;
}

const RULES: { problem: LoadProblem; pattern: RegExp }[] = [
  { problem: 'bad-magic', pattern: /invalid magic characters/i },
  { problem: 'unknown-architecture', pattern: /unknown model architecture: '([^']*)'/i },
  { problem: 'unsupported-type', pattern: /invalid ggml type (\d+)/i },
  {
    problem: 'truncated',
    pattern:
      /not within the file bounds|failed to read (?:the )?(?:header|magic|key-value pairs|tensor info|tensor data)/i,
  },
  { problem: 'out-of-memory', pattern: /failed to allocate|out of memory|Cannot enlarge memory|Aborted\(OOM\)/i },
];

/** The failure llama.cpp logged during a load, or undefined when the load worked. */
export function loadFailure(log: readonly string[]): LoadFailure | undefined {
  if (!log.some((line) => /failed to load model/i.test(line))) return undefined;
  for (const rule of RULES) {
    for (const line of log) {
      const match = rule.pattern.exec(line);
      if (match) {
        return { problem: rule.problem, detail: clean(line), ...(match[1] === undefined ? {} : { subject: match[1] }) };
      }
    }
  }
  const reason = log.find((line) => /error loading model:/i.test(line));
  return { problem: 'other', detail: clean(reason ?? log.find((line) => /failed to load model/i.test(line)) ?? '') };
}

/** True when llama.cpp refused to turn its output into JSON because it is not valid UTF-8. */
export function isInvalidUtf8(message: string, log: readonly string[]): boolean {
  return (
    /Invalid typed array length/i.test(message) || log.some((line) => /invalid UTF-8 byte|type_error\.316/i.test(line))
  );
}

/** One line of llama.cpp's log without wllama's prefixes and llama.cpp's function names. */
function clean(line: string): string {
  return line
    .replace(/^\s*(?:\[[^\]]*\]\s*)?/, '')
    .replace(/^(?:[a-z_]+:\s+)+/i, '')
    .replace(/^error loading model:\s*/i, '')
    .split('\n')[0]!
    .trim();
}

/**
 * Bytes of the buffers llama.cpp says it allocated, by device ("CPU", "WebGPU"...): model
 * weights, KV cache and compute buffers, from lines like "CPU KV buffer size = 0.25 MiB".
 */
export function bufferBytes(log: readonly string[]): Map<string, number> {
  const bytes = new Map<string, number>();
  for (const line of log) {
    const match = /\b([\w-]+)\s+(?:model|KV|compute|output)\s+buffer size\s*=\s*([\d.]+) MiB/.exec(line);
    if (!match) continue;
    const device = match[1]!.replace(/_Mapped$|_REPACK$/, '');
    bytes.set(device, (bytes.get(device) ?? 0) + Math.round(Number(match[2]) * 2 ** 20));
  }
  return bytes;
}
