import { describe, expect, it } from 'vitest';
import { extensionCpuMs, extensionCpuMsInTasks, type CpuProfile, type TraceEvent } from '../../scripts/lib/cpu-profile';

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
