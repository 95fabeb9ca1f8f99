/**
 * Reading the UI benchmark's Chrome trace: the page's main-thread tasks and the token marks the
 * page left (`tokens:<count>`, at the start of each frame: the tokens received so far), and the
 * main-thread cost per token over a range of token positions. Pure: no browser.
 *
 * A task has a wall-clock duration and, where Chrome records it, the CPU time its thread really
 * ran (`tdur`). On a machine shared with other work the two part ways: a task the system sets
 * aside for other processes keeps its wall clock running (seen here: 933 ms of tasks by the
 * wall clock, 188 ms of CPU). Costs are given both ways.
 */

/**
 * Main-thread tasks of the page's renderer, the token marks the page left, and its `stream:<name>`
 * marks (times by name), from a trace.
 */
export function readTrace(buffer) {
  const events = JSON.parse(buffer.toString('utf8')).traceEvents ?? [];
  const timing = events.filter((event) => event.cat?.includes('blink.user_timing'));
  const marks = timing.filter((event) => /^tokens:\d+$/.test(event.name));
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
  const streamMarks = Object.fromEntries(
    timing
      .filter((event) => event.name.startsWith('stream:'))
      .map((event) => [event.name.slice('stream:'.length), event.ts / 1000]),
  );
  return { tasks, tokenMarks, streamMarks };
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
 * where the trace has CPU times).
 *
 * A mark at the start of a frame counts the tokens received so far; the main-thread work from
 * it to the next mark is that frame's, which draws the tokens received since the mark before.
 * The cost of a range is the work of the frames that drew its tokens, from the frame that
 * reaches `from` to the one that reaches `to`, over the tokens those frames drew. Pairing each
 * frame's work with its own tokens matters on a busy machine, where one frame may draw 5 tokens
 * and the next 800; it also lets one frame that jumps over the whole range (4,900 straight to
 * 5,700) be measured on its own. The very first mark's frame is left out: it starts the reply
 * (status, buttons, statistics), a cost paid once. The positions actually covered are returned.
 * Without a frame to measure there is nothing: `{ noData: reason }`, never an exception.
 *
 * A frame that draws more than {@link STALL_FACTOR} times the stream's typical frame follows a
 * stall (the page got no frame for a while, as happens on a busy machine): it draws many tokens
 * for one frame's fixed cost, which says nothing about the reply's length, so it is left out of
 * the range when the range has other frames (`framesLeftOut`). The long frame that caused a stall
 * draws a typical number of tokens and stays in.
 */
export const STALL_FACTOR = 3;

export function costPerToken(trace, [from, to]) {
  const marks = trace.tokenMarks;
  if (marks.length === 0) return { noData: `no token marks at all (wanted ${from}-${to})` };
  const first = Math.max(
    1,
    marks.findIndex((mark) => mark.tokens >= from),
  );
  const last = marks.findIndex((mark) => mark.tokens >= to);
  if (last < first || !marks[first - 1] || !marks[last + 1]) return { noData: `no token marks around ${from}-${to}` };
  const frame = (index) => ({
    tokens: marks[index].tokens - marks[index - 1].tokens,
    from: marks[index].at,
    to: marks[index + 1].at,
  });
  const typical = median(
    marks
      .slice(1, -1)
      .map((_, offset) => frame(offset + 1).tokens)
      .filter((tokens) => tokens > 0),
  );
  const frames = Array.from({ length: last - first + 1 }, (_, offset) => frame(first + offset));
  const regular = frames.filter((candidate) => candidate.tokens <= STALL_FACTOR * typical);
  const used = regular.some((candidate) => candidate.tokens > 0) ? regular : frames;
  const tokens = used.reduce((sum, used) => sum + used.tokens, 0);
  const cpu = used.reduce((sum, used) => {
    const spent = cpuBetween(trace.tasks, used.from, used.to);
    return sum === undefined || spent === undefined ? undefined : sum + spent;
  }, 0);
  const wall = used.reduce((sum, used) => sum + busyBetween(trace.tasks, used.from, used.to), 0);
  return {
    wallMs: wall / tokens,
    ...(cpu === undefined ? {} : { cpuMs: cpu / tokens }),
    fromToken: marks[first - 1].tokens,
    toToken: marks[last].tokens,
    ...(used.length < frames.length ? { framesLeftOut: frames.length - used.length } : {}),
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Infinity;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
