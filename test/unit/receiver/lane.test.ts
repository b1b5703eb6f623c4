import { describe, expect, it } from 'vitest';
import { Lane } from '../../../src/receiver.js';

/** A lane of `capacity` bytes and the bodies it has cut off so far, by name. */
function lane(capacity: number) {
  const evicted: string[] = [];
  const l = new Lane(capacity);
  const admit = (name: string, bytes: number) => l.admit(bytes, () => evicted.push(name));
  return { lane: l, evicted, admit };
}

describe('Lane: bodies being received never wait; the oldest still arriving makes room', () => {
  it('admits bodies while they fit, and gives their bytes back once each release', () => {
    const { lane: l, evicted, admit } = lane(100);
    const a = admit('a', 40);
    const b = admit('b', 60);
    expect(l.load()).toEqual({ used: 100, reading: 2 });
    a();
    a();
    expect(l.load()).toEqual({ used: 60, reading: 1 });
    b();
    expect(l.load()).toEqual({ used: 0, reading: 0 });
    expect(evicted).toEqual([]);
  });

  it('a body that does not fit cuts off the oldest ones, just enough of them, oldest first', () => {
    const { lane: l, evicted, admit } = lane(100);
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
    const { lane: l, evicted, admit } = lane(10);
    const a = admit('a', 10);
    const b = admit('b', 10);
    expect(evicted).toEqual(['a']);
    a();
    expect(l.load()).toEqual({ used: 10, reading: 1 });
    b();
    expect(l.load()).toEqual({ used: 0, reading: 0 });
  });

  it('however many slow bodies hold it, a newcomer is admitted at once and the bytes never exceed the capacity', () => {
    const { lane: l, evicted, admit } = lane(64 * 1024);
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

  it('an empty body takes no room and cuts nobody off', () => {
    const { lane: l, evicted, admit } = lane(10);
    admit('a', 10);
    admit('empty', 0);
    expect(evicted).toEqual([]);
    expect(l.load()).toEqual({ used: 10, reading: 2 });
  });
});
