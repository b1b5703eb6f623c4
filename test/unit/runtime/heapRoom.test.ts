import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import {
  heapAdvice,
  heapLimitMb,
  heapNeededMb,
  heapWatch,
  START_HEAP_MB,
} from '../../../src/runtime/heapRoom.js';

/** A deployment serving many workspaces is told when its heap is too small for them. */
describe('the heap many installations need (runtime/heapRoom.ts)', () => {
  it('is what npm start gives up to about 170 installations, then grows by 128 MB steps; advised only when the installations outgrow the cap', () => {
    expect(heapNeededMb(1)).toBe(START_HEAP_MB);
    expect(heapNeededMb(170)).toBe(384);
    expect(heapNeededMb(171)).toBe(512);
    // The bench's 1,000: the cap that left the collector its room (docs/scaling.md).
    expect(heapNeededMb(1000)).toBe(1024);
    expect(heapNeededMb(5000)).toBe(4096);
    expect(heapAdvice(100, 384)).toBeUndefined();
    expect(heapAdvice(1000, 1024)).toBeUndefined();
    expect(heapAdvice(1000, 384)).toEqual({
      installations: 1000,
      heapLimitMb: 384,
      startWith: '--max-old-space-size=1024',
    });
  });

  it('reads the cap the process was started with: the command line over NODE_OPTIONS, the last one of each', () => {
    expect(heapLimitMb(['--enable-source-maps', '--max-old-space-size=384'], undefined)).toBe(384);
    expect(heapLimitMb(['--max-old-space-size=384'], '--max-old-space-size=2048')).toBe(384);
    expect(heapLimitMb([], '--inspect --max_old_space_size=2048')).toBe(2048);
    expect(heapLimitMb(['--max-old-space-size=512', '--max-old-space-size=1024'], undefined)).toBe(1024);
    // None given: V8's own limit.
    expect(heapLimitMb([], undefined)).toBe(Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20));
  });

  it('warns once for each flag it advises, as workspaces install the app', () => {
    const warned: object[] = [];
    const check = heapWatch({ warn: (obj) => warned.push(obj) }, () => 384);
    for (const n of [1, 100, 170]) check(n);
    expect(warned).toEqual([]);
    for (const n of [171, 172, 200]) check(n);
    expect(warned).toEqual([{ installations: 171, heapLimitMb: 384, startWith: '--max-old-space-size=512' }]);
    check(400);
    expect(warned.at(-1)).toEqual({
      installations: 400,
      heapLimitMb: 384,
      startWith: '--max-old-space-size=640',
    });
    expect(warned).toHaveLength(2);
  });
});
