/**
 * Reading the UI benchmark's Chrome trace: the page's main-thread tasks and the token marks the
 * page left (`tokens:<count>`, one per token batch it received), and the main-thread cost per
 * token over a range of token positions. Pure: no browser.
 *
 * A task has a wall-clock duration and, where Chrome records it, the CPU time its thread really
 * ran (`tdur`). On a machine shared with other work the two part ways: a task the system sets
 * aside for other processes keeps its wall clock running (seen here: 933 ms of tasks by the
 * wall clock, 188 ms of CPU). Costs are given both ways.
 */

/** Main-thread tasks of the page's renderer, and the token marks the page left, from a trace. */
export function readTrace(buffer) {
  const events = JSON.parse(buffer.toString('utf8')).traceEvents ?? [];
  const marks = events.filter((event) => event.cat?.includes('blink.user_timing') && /^tokens:\d+$/.test(event.name));
  const pid = marks[0]?.pid;
  const mainTid = events.find(
    (event) => event.pid === pid && event.name === 'thread_name' && event.args?.name === 'CrRendererMain',
  )?.tid;
  const tasks = events
    .filter(
      (event) =>
        event.pid === pid &&
        event.tid === mainTid &&
        event.name === 'ThreadControllerImpl::RunTask' &&
        event.ph === 'X',
    )
    .map((event) => ({
      start: event.ts / 1000,
      end: (event.ts + event.dur) / 1000,
      ...(event.tdur === undefined ? {} : { cpu: event.tdur / 1000 }),
    }));
  const tokenMarks = marks
    .map((event) => ({ at: event.ts / 1000, tokens: Number(event.name.slice('tokens:'.length)) }))
    .sort((a, b) => a.at - b.at || a.tokens - b.tokens);
  return { tasks, tokenMarks };
}

/** Milliseconds of main-thread tasks between two times, by the wall clock. */
export function busyBetween(tasks, from, to) {
  let busy = 0;
  for (const task of tasks) busy += Math.max(0, Math.min(task.end, to) - Math.max(task.start, from));
  return busy;
}

/**
 * Milliseconds of main-thread CPU time between two times (a task cut by either time counts in
 * proportion), or undefined when the trace has no CPU times.
 */
export function cpuBetween(tasks, from, to) {
  let cpu = 0;
  for (const task of tasks) {
    if (task.cpu === undefined) return undefined;
    const overlap = Math.max(0, Math.min(task.end, to) - Math.max(task.start, from));
    const length = task.end - task.start;
    if (overlap > 0) cpu += length > 0 ? task.cpu * (overlap / length) : task.cpu;
  }
  return cpu;
}

/**
 * Main-thread milliseconds per token over token positions `from`-`to` (`wallMs`, and `cpuMs`
 * where the trace has CPU times): between the first mark at or after `from` and the first at or
 * after `to`.
 *
 * Tokens reach the page in batches, one per frame; on a busy machine a late frame brings
 * hundreds at once, and one batch can jump over the whole range (4,900 straight to 5,700). The
 * range is then measured from the last mark before it instead, over the positions that batch
 * covers, and the positions actually used are returned. Without marks on both sides there is
 * nothing to measure: `{ noData: reason }`, never an exception.
 */
export function costPerToken(trace, [from, to]) {
  const marks = trace.tokenMarks;
  const end = marks.find((mark) => mark.tokens >= to);
  let start = marks.find((mark) => mark.tokens >= from);
  if (start && end && end.tokens <= start.tokens) start = marks.findLast((mark) => mark.tokens < from);
  if (marks.length === 0) return { noData: `no token marks at all (wanted ${from}-${to})` };
  if (!start || !end || end.tokens <= start.tokens) return { noData: `no token marks around ${from}-${to}` };
  const tokens = end.tokens - start.tokens;
  const cpu = cpuBetween(trace.tasks, start.at, end.at);
  return {
    wallMs: busyBetween(trace.tasks, start.at, end.at) / tokens,
    ...(cpu === undefined ? {} : { cpuMs: cpu / tokens }),
    fromToken: start.tokens,
    toToken: end.tokens,
  };
}
