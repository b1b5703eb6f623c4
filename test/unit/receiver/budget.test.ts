import { describe, expect, it } from 'vitest';
import { ByteBudget } from '../../../src/receiver.js';

/** A byte budget of `capacity` bytes and the bodies it has cut off so far, by name. */
function lane(capacity: number) {
  const evicted: string[] = [];
  const l = new ByteBudget(capacity);
  const admit = (name: string, bytes: number) => l.admit(bytes, () => evicted.push(name));
  return { budget: l, evicted, admit };
}

describe('ByteBudget: one budget for every size; bodies being received never wait, the oldest still arriving makes room', () => {
  it('admits bodies while they fit (an empty one takes no room), and gives their bytes back once each release', () => {
    const { budget: l, evicted, admit } = lane(100);
    const a = admit('a', 40);
    const b = admit('b', 60);
    expect(l.load()).toEqual({ used: 100, reading: 2 });
    a();
    a();
    expect(l.load()).toEqual({ used: 60, reading: 1 });
    b();
    expect(l.load()).toEqual({ used: 0, reading: 0 });
    // An empty body takes no room and cuts nobody off.
    admit('c', 100);
    admit('empty', 0);
    expect(evicted).toEqual([]);
    expect(l.load()).toEqual({ used: 100, reading: 2 });
  });

  it('a body that does not fit cuts off the oldest ones, just enough of them, oldest first', () => {
    const { budget: l, evicted, admit } = lane(100);
    admit('a', 30);
    admit('b', 30);
    const c = admit('c', 30);
    admit('d', 50);
    // 90 + 50 > 100: a goes (60 + 50 > 100 still), then b; c stays.
    expect(evicted).toEqual(['a', 'b']);
    expect(l.load()).toEqual({ used: 80, reading: 2 });
    // A body that has arrived is no longer a candidate: c's release leaves only d.
    c();
    admit('e', 100);
    expect(evicted).toEqual(['a', 'b', 'd']);
    expect(l.load()).toEqual({ used: 100, reading: 1 });
  });

  it("an evicted body's release is a no-op: its bytes were given back when it was cut off", () => {
    const { budget: l, evicted, admit } = lane(10);
    const a = admit('a', 10);
    const b = admit('b', 10);
    expect(evicted).toEqual(['a']);
    a();
    expect(l.load()).toEqual({ used: 10, reading: 1 });
    b();
    expect(l.load()).toEqual({ used: 0, reading: 0 });
  });

  it('however many slow bodies hold it, a newcomer is admitted at once and the bytes never exceed the capacity', () => {
    const { budget: l, evicted, admit } = lane(64 * 1024);
    // 250 slow 32 kB bodies, as many clients: two fit; each newer one cuts off the oldest.
    for (let i = 0; i < 250; i += 1) {
      admit(`slow ${i}`, 32 * 1024);
      expect(l.load().used).toBeLessThanOrEqual(64 * 1024);
    }
    expect(evicted).toHaveLength(248);
    // A click of a few kB: admitted at once, in place of the oldest slow body.
    const click = admit('click', 3000);
    expect(evicted.at(-1)).toBe('slow 248');
    expect(l.load()).toEqual({ used: 32 * 1024 + 3000, reading: 2 });
    click();
  });

  it('a large body that does not fit cuts off the oldest bodies still arriving, small or large, and a click after it still gets in at once', () => {
    const { budget: l, evicted, admit } = lane(16 * 1024 * 1024);
    // Slow bodies of every size: 3 at 4 MB, then 1,000 small ones of 4 kB.
    for (let i = 0; i < 3; i += 1) admit(`large ${i}`, 4 * 1024 * 1024);
    for (let i = 0; i < 1000; i += 1) admit(`small ${i}`, 4096);
    expect(evicted).toEqual([]);
    // Another 4 MB body: the oldest (a large one) makes room.
    admit('large 3', 4 * 1024 * 1024);
    expect(evicted).toEqual(['large 0']);
    // A click: it fits in what is left, nobody is cut off, and it is admitted without waiting.
    const click = admit('click', 3000);
    expect(evicted).toEqual(['large 0']);
    expect(l.load().used).toBeLessThanOrEqual(16 * 1024 * 1024);
    click();
  });
});
