import { describe, expect, it } from 'vitest';
import { extensionCpuMs, extensionCpuMsInTasks, longTasksWithExtension, type CpuProfile, type TraceEvent } from '../../scripts/lib/cpu-profile';

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0, columnNumber: 0 });

// root → ours (an extension function) and (idle); samples at 100, 1100 and 6100 µs.
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3] },
    { id: 2, callFrame: frame('show', 'chrome-extension://abc/content-scripts/x.js') },
    { id: 3, callFrame: frame('(idle)') },
  ],
  startTime: 100,
  samples: [2, 2, 3],
  timeDeltas: [0, 1000, 5000],
};

const thread = (pid: number, tid: number, name: string): TraceEvent => ({ ph: 'M', name: 'thread_name', pid, tid, ts: 0, args: { name } });
const task = (pid: number, tid: number, ts: number, dur: number): TraceEvent => ({ ph: 'X', name: 'ThreadControllerImpl::RunTask', pid, tid, ts, dur });

describe('extension time within tasks', () => {
  it('ends the last sample of a task where the task ends, not when the next sample came', () => {
    // The task runs from 50 to 1550 µs; the thread then idles until the sample at 6100.
    const events = [thread(7, 7, 'CrRendererMain'), task(7, 7, 50, 1500), task(7, 7, 60, 200)];
    expect(extensionCpuMs(profile)).toBe(6);
    expect(extensionCpuMsInTasks(profile, events)).toBeCloseTo(1.45, 5); // 1000 + 450 µs
  });

  it('reads the renderer main thread that holds the samples, not another one or a non-main thread', () => {
    const events = [
      thread(7, 7, 'CrRendererMain'),
      thread(8, 8, 'CrRendererMain'),
      thread(7, 9, 'Compositor'),
      task(7, 9, 0, 10_000),
      task(8, 8, 5000, 100),
      task(7, 7, 0, 10_000),
    ];
    expect(extensionCpuMsInTasks(profile, events)).toBe(6);
  });

  it('counts nothing for samples outside any task', () => {
    expect(extensionCpuMsInTasks(profile, [thread(7, 7, 'CrRendererMain'), task(7, 7, 7000, 10)])).toBe(0);
  });
});

describe('long tasks that ran extension code', () => {
  const at = (...times: number[]) => ({ samples: times.map((_, i) => (i % 2 ? 3 : 2)), timeDeltas: times.map((t, i) => t - (times[i - 1] ?? 0)) });
  // Samples alternate: ours (node 2) at 1000, (idle) at 2000, ours at 70_000, (idle) at 200_000.
  const p: CpuProfile = { nodes: profile.nodes, startTime: 0, ...at(1000, 2000, 70_000, 200_000) };
  const events = [
    thread(7, 7, 'CrRendererMain'),
    task(7, 7, 0, 60_000), // long, holds our sample at 1000
    task(7, 7, 500, 100), // nested: part of the one above
    task(7, 7, 65_000, 10_000), // short, holds ours
    task(7, 7, 190_000, 80_000), // long, only (idle): the page's or the browser's
  ];

  it('counts the long ones holding a sample with an extension frame, inside the window', () => {
    expect(longTasksWithExtension(p, events, { from: 0, to: 300_000, overMs: 50 })).toEqual([{ start: 0, ms: 60 }]);
    // A task that began before the window and ends in it counts (the one that runs the first code).
    expect(longTasksWithExtension(p, events, { from: 30_000, to: 300_000, overMs: 50 })).toHaveLength(1);
    expect(longTasksWithExtension(p, events, { from: 61_000, to: 300_000, overMs: 50 })).toEqual([]);
    expect(longTasksWithExtension(p, events, { from: 0, to: 300_000, overMs: 60 })).toEqual([]);
  });
});

describe('long tasks: thread CPU time', () => {
  it('gives the CPU time a task event records, and none for tasks merged from overlapping events', () => {
    const p: CpuProfile = { nodes: profile.nodes, startTime: 0, samples: [2, 2], timeDeltas: [1000, 99_000] };
    const withCpu: TraceEvent = { ...task(7, 7, 0, 60_000), tdur: 12_000 };
    expect(longTasksWithExtension(p, [thread(7, 7, 'CrRendererMain'), withCpu], { from: 0, to: 1e6, overMs: 50 })).toEqual([{ start: 0, ms: 60, cpuMs: 12 }]);
    const overlapping = [thread(7, 7, 'CrRendererMain'), withCpu, { ...task(7, 7, 50_000, 20_000), tdur: 1000 }];
    expect(longTasksWithExtension(p, overlapping, { from: 0, to: 1e6, overMs: 50 })).toEqual([{ start: 0, ms: 70 }]);
  });
});
