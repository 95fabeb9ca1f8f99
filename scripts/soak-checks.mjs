// The soak test's verdict (scripts/soak.mjs), kept apart so its arithmetic has unit tests.

/** Median of finite numbers; undefined for none. */
export function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Relative change from `before` to `after` (0.05 is 5% more). */
function change(before, after) {
  return before === 0 ? (after === 0 ? 0 : Infinity) : (after - before) / before;
}

const percent = (ratio) => `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)}%`;

function within(name, before, after, tolerance, unit = 'bytes') {
  if (before === undefined || after === undefined) {
    return { name, passed: false, detail: `not measured (${before} -> ${after} ${unit})` };
  }
  const ratio = change(before, after);
  return {
    name,
    passed: Math.abs(ratio) <= tolerance,
    detail: `${before} -> ${after} ${unit} (${percent(ratio)}, allowed ±${tolerance * 100}%)`,
  };
}

/**
 * Judges a soak run. `cycles`: one entry per load/reply/unload cycle ({ peakGpuBytes,
 * gpuAfterUnloadBytes, pageHeap, workerHeap }). `turns`: one per turn of the long conversation
 * ({ ttftMs, gpuBytes, pageHeap?, workerHeap? }). The conversation is compared between the turns
 * after warm-up (the second fifth) and the last fifth, by medians, so one slow turn on a busy
 * machine is not a trend.
 */
export function judgeSoak(cycles, turns) {
  const checks = [];
  const first = cycles[0];
  const last = cycles.at(-1);
  const leftOver = cycles.filter((cycle) => cycle.gpuAfterUnloadBytes !== 0);
  checks.push({
    name: 'GPU memory after every unload',
    passed: cycles.length > 0 && leftOver.length === 0,
    detail:
      leftOver.length === 0
        ? `0 bytes after each of ${cycles.length} unloads`
        : `left after cycle ${leftOver.map((cycle) => `${cycle.cycle} (${cycle.gpuAfterUnloadBytes} bytes)`).join(', ')}`,
  });
  if (first && last) {
    checks.push(within(`reply peak GPU memory, cycle ${last.cycle} vs 1`, first.peakGpuBytes, last.peakGpuBytes, 0.05));
    checks.push(within(`page JS heap after GC, cycle ${last.cycle} vs 1`, first.pageHeap, last.pageHeap, 0.1));
    checks.push(within(`worker JS heap after GC, cycle ${last.cycle} vs 1`, first.workerHeap, last.workerHeap, 0.1));
  }
  if (turns.length >= 10) {
    const fifth = Math.floor(turns.length / 5);
    const warm = turns.slice(fifth, 2 * fifth);
    const end = turns.slice(-fifth);
    const pick = (list, key) => median(list.map((turn) => turn[key]));
    checks.push(
      within(
        'conversation GPU memory, last fifth vs after warm-up',
        pick(warm, 'gpuBytes'),
        pick(end, 'gpuBytes'),
        0.05,
      ),
    );
    checks.push(
      within('conversation page heap, last fifth vs after warm-up', pick(warm, 'pageHeap'), pick(end, 'pageHeap'), 0.1),
    );
    checks.push(
      within(
        'conversation worker heap, last fifth vs after warm-up',
        pick(warm, 'workerHeap'),
        pick(end, 'workerHeap'),
        0.1,
      ),
    );
    // Time is noisier than bytes on a shared machine: flat means within a quarter.
    checks.push(
      within(
        'conversation TTFT (median), last fifth vs after warm-up',
        pick(warm, 'ttftMs'),
        pick(end, 'ttftMs'),
        0.25,
        'ms',
      ),
    );
  }
  return { passed: checks.every((check) => check.passed), checks };
}
