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
  samples?: number[];
  timeDeltas?: number[];
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
function ourSamples(profile: CpuProfile): Array<{ stack: ProfileNode[]; us: number }> {
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
  const out: Array<{ stack: ProfileNode[]; us: number }> = [];
  for (let i = 0; i < samples.length; i++) {
    const stack = stackOf(samples[i]!);
    if (stack.some(isExtension)) out.push({ stack, us: deltas[i + 1] ?? 0 });
  }
  return out;
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
