/**
 * Breakdown of a V8 CPU profile (CDP Profiler) by function, for the samples whose stack holds a frame of an
 * extension script: where the content script's main-thread time goes. Names are the bundle's own: build with
 * REFLENS_MINIFY=0 (wxt.config.ts) to read them.
 */

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** µs, on the clock of trace events. */
  startTime?: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** One event of a Chrome trace (JSON format): complete events ('X') and thread names ('M') are read. */
export interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Thread CPU time (µs) of a complete event, when the trace records it. */
  tdur?: number;
  args?: { name?: string };
}

const isExtension = (n: ProfileNode) => n.callFrame.url.startsWith('chrome-extension://');

function label(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return name;
  const file = url.replace(/^chrome-extension:\/\/[^/]+\//, '').replace(/^https?:\/\/[^/]+/, '(page)');
  return `${name} ${file}:${lineNumber + 1}`;
}

/**
 * Per sample: its stack (leaf first) when the stack holds an extension frame, with the sample's duration in µs
 * (timeDeltas[i + 1] is the time spent in sample i, until the next sample was taken).
 */
function ourSamples(profile: CpuProfile): Array<{ stack: ProfileNode[]; us: number; i: number }> {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const stacks = new Map<number, ProfileNode[]>();
  const stackOf = (id: number): ProfileNode[] => {
    let s = stacks.get(id);
    if (!s) {
      s = [];
      for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) s.push(byId.get(x)!);
      stacks.set(id, s);
    }
    return s;
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const out: Array<{ stack: ProfileNode[]; us: number; i: number }> = [];
  for (let i = 0; i < samples.length; i++) {
    const stack = stackOf(samples[i]!);
    if (stack.some(isExtension)) out.push({ stack, us: deltas[i + 1] ?? 0, i });
  }
  return out;
}

/**
 * Sampled time (ms) of stacks with an extension frame, each sample's time ending where its task ends. V8 credits a
 * sample with the time until the next one; when the thread goes idle right after it (a message sent, an idle callback
 * done), the next sample can come only once the thread wakes, and the whole idle gap would count as ours. The tasks
 * are the outermost events of a 'toplevel' trace of the same run, on the renderer main thread that holds the samples.
 */
export function extensionCpuMsInTasks(profile: CpuProfile, events: TraceEvent[]): number {
  const { at, ours } = sampleTimes(profile);
  let best = 0;
  for (const outer of outerTasksByThread(events)) {
    let us = 0;
    for (const i of ours) {
      if (i + 1 >= at.length) continue;
      const task = taskAt(outer, at[i]!);
      if (task) us += Math.max(0, Math.min(at[i + 1]!, task[1]) - at[i]!);
    }
    best = Math.max(best, us);
  }
  return best / 1000;
}

/**
 * The tasks over `overMs` (wall time) on the renderer main thread that holds the samples, between `from` and `to`
 * (µs, trace clock), that ran extension code: at least one sample inside them has an extension frame. Rendering
 * tasks, the browser's own tasks and the page's scripts are left out; a task that ran the page and RefLens counts.
 */
export function longTasksWithExtension(
  profile: CpuProfile,
  events: TraceEvent[],
  { from, to, overMs }: { from: number; to: number; overMs: number },
): Array<{ start: number; ms: number; cpuMs?: number }> {
  const { at, ours } = sampleTimes(profile);
  let best: Array<{ start: number; ms: number; cpuMs?: number }> = [];
  let bestHits = -1;
  const cpuOf = new Map<[number, number], number>();
  for (const outer of outerTasksByThread(events, cpuOf)) {
    const held = new Set<[number, number]>();
    for (const i of ours) {
      const task = taskAt(outer, at[i]!);
      if (task) held.add(task);
    }
    if (held.size <= bestHits) continue;
    bestHits = held.size;
    best = [...held]
      .filter(([a, b]) => b - a > overMs * 1000 && b >= from && a <= to)
      .map((t) => ({ start: t[0], ms: (t[1] - t[0]) / 1000, ...(cpuOf.has(t) ? { cpuMs: cpuOf.get(t)! / 1000 } : {}) }));
  }
  return best;
}

/** Each sample's time (µs, trace clock) and the indexes of the samples with an extension frame. */
function sampleTimes(profile: CpuProfile): { at: number[]; ours: number[] } {
  const at: number[] = [];
  let t = profile.startTime ?? 0;
  for (const d of profile.timeDeltas ?? []) at.push((t += d));
  return { at, ours: ourSamples(profile).map((x) => x.i) };
}

/**
 * Per renderer main thread of the trace: its outermost tasks, [start, end] µs in order. `cpu` gets the thread CPU
 * time of those that are one event with a recorded tdur.
 */
function outerTasksByThread(events: TraceEvent[], cpu?: Map<[number, number], number>): Array<Array<[number, number]>> {
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const tasksOf = new Map<string, Array<[number, number, number | undefined]>>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || e.dur === undefined || !mains.has(key)) continue;
    let list = tasksOf.get(key);
    if (!list) tasksOf.set(key, (list = []));
    list.push([e.ts, e.ts + e.dur, e.tdur]);
  }
  return [...tasksOf.values()].map((all) => {
    all.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const outer: Array<[number, number]> = [];
    for (const task of all) {
      const last = outer[outer.length - 1];
      if (last && task[0] < last[1]) {
        if (task[1] > last[1]) (last[1] = task[1]), cpu?.delete(last); // two overlapping tasks: no one CPU figure
      } else {
        const t: [number, number] = [task[0], task[1]];
        outer.push(t);
        if (task[2] !== undefined) cpu?.set(t, task[2]);
      }
    }
    return outer;
  });
}

/** The task holding time `a`: the last one starting at or before it, if it has not ended. */
function taskAt(outer: Array<[number, number]>, a: number): [number, number] | undefined {
  let lo = 0;
  let hi = outer.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (outer[mid]![0] <= a) (found = mid), (lo = mid + 1);
    else hi = mid - 1;
  }
  return found >= 0 && outer[found]![1] >= a ? outer[found] : undefined;
}

/** Sampled CPU time (ms) of stacks that include an extension script frame. */
export function extensionCpuMs(profile: CpuProfile): number {
  return ourSamples(profile).reduce((s, x) => s + x.us, 0) / 1000;
}

function top(map: Map<string, number>, n: number, totalUs: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms ${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${k}`);
}

/**
 * Three views of the extension's samples: self time by leaf frame (natives and GC included), self time by the
 * deepest extension frame (what our code spent, including the browser work it called), and inclusive time per
 * extension function (each function counted once per sample).
 */
export function profileBreakdown(profile: CpuProfile, rows = 25): string[] {
  const samples = ourSamples(profile);
  const total = samples.reduce((s, x) => s + x.us, 0) || 1;
  const leaf = new Map<string, number>();
  const deepest = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const { stack, us } of samples) {
    const l = label(stack[0]!);
    leaf.set(l, (leaf.get(l) ?? 0) + us);
    const ours = stack.find(isExtension)!;
    const d = label(ours);
    deepest.set(d, (deepest.get(d) ?? 0) + us);
    const seen = new Set<string>();
    for (const f of stack) {
      if (!isExtension(f)) continue;
      const k = label(f);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  return [
    `  extension samples: ${(total / 1000).toFixed(1)} ms`,
    '  self time by leaf frame:',
    ...top(leaf, rows, total),
    '  self time by deepest extension frame (browser work it called included):',
    ...top(deepest, rows, total),
    '  inclusive time per extension function:',
    ...top(inclusive, rows, total),
  ];
}
