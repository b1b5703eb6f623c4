import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { RequestActivity } from '../../../src/runtime/requestActivity.js';
import { SteppedTimers } from '../../support/steppedTimers.js';

/** Lets the event loop go round `n` times. */
async function turns(n: number) {
  for (let i = 0; i < n; i += 1) await nextTurn();
}

describe('RequestActivity: requests first, background work in turns', () => {
  it('gives a turn at once (in a later turn of the loop) while no request is being answered', async () => {
    const activity = new RequestActivity(100, new SteppedTimers(0));
    let given = false;
    void activity.turn().then(() => {
      given = true;
    });
    expect(given).toBe(false);
    await turns(2);
    expect(given).toBe(true);
  });

  it('holds turns while a request is being answered and gives them when it ends, one per turn of the loop', async () => {
    const activity = new RequestActivity(100, new SteppedTimers(0));
    const end = activity.begin();
    const order: number[] = [];
    for (const n of [1, 2, 3]) void activity.turn().then(() => order.push(n));
    await turns(5);
    expect(order).toEqual([]);
    expect(activity.busy).toBe(1);
    end();
    end(); // a second call (close after finish) changes nothing
    expect(activity.busy).toBe(0);
    await turns(1);
    expect(order.length).toBeLessThanOrEqual(1);
    await turns(5);
    expect(order).toEqual([1, 2, 3]);
  });

  it('a request arriving between two turns holds the rest again', async () => {
    const activity = new RequestActivity(100, new SteppedTimers(0));
    const order: number[] = [];
    for (const n of [1, 2, 3]) void activity.turn().then(() => order.push(n));
    for (let i = 0; i < 10 && order.length === 0; i += 1) await nextTurn();
    // One turn per loop: the request that arrives now (before the next turn) holds the other two.
    expect(order).toEqual([1]);
    const end = activity.begin();
    await turns(5);
    expect(order).toEqual([1]);
    end();
    await turns(5);
    expect(order).toEqual([1, 2, 3]);
  });

  it('a waiter gets its turn after the longest wait even while requests keep coming (slowed, never stopped)', async () => {
    const time = new SteppedTimers(0);
    const activity = new RequestActivity(20, time);
    activity.begin(); // never ends
    let given = false;
    void activity.turn().then(() => {
      given = true;
    });
    await turns(3);
    expect(given).toBe(false);
    // The overdue check waits on a timer of the longest wait (20 ms here), not a loop of its own.
    expect(time.scheduled()).toEqual([20]);
    await time.advance(19, () => turns(2));
    expect(given).toBe(false);
    await time.advance(1, () => turns(2));
    expect(given).toBe(true);
  });
});
