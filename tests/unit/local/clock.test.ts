import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkScale, createClock, MAX_SCALE, MIN_SCALE, type SimClock } from '../../../local/clock.ts';
import { createScheduler } from '../../../local/scheduler.ts';

const START = Date.UTC(2026, 0, 1);
let wall = 0;
let clocks: SimClock[] = [];

/** A clock on a wall time the test moves; Node's timers are faked so that nothing waits. */
function clockAt(scale: number): SimClock {
  const clock = createClock({ scale, startAt: START, wallNow: () => wall });
  clocks.push(clock);
  return clock;
}

/** Lets `ms` of wall time pass in 1 ms steps, running the timers that fall due. */
function pass(ms: number): void {
  for (let i = 0; i < ms; i++) {
    wall += 1;
    vi.advanceTimersByTime(1);
  }
}

beforeEach(() => {
  wall = 0;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
});
afterEach(() => {
  for (const clock of clocks) clock.stop();
  clocks = [];
  vi.useRealTimers();
});

describe('the simulated clock', () => {
  it('runs `scale` times faster while idle and at real speed while a handler holds it', () => {
    // Prepare
    const clock = clockAt(200);

    // Act
    pass(10);
    const idle = clock.now() - START;
    const release = clock.hold();
    pass(10);
    const held = clock.now() - START - idle;
    release();

    // Assess
    expect(idle).toBe(2_000);
    expect(held).toBe(10);
  });

  it('waits at an action that has not run yet, however late its wall timer fires, and runs it at its instant', () => {
    // Prepare
    const clock = clockAt(200);
    const seen: number[] = [];
    clock.schedule(START + 10_000, (dueAt) => seen.push(dueAt, clock.now()));

    // Act: five wall seconds pass without the timer getting a turn.
    wall += 5_000;
    const whileLate = clock.now();
    vi.advanceTimersByTime(60);

    // Assess
    expect(whileLate).toBe(START + 10_000);
    expect(seen).toEqual([START + 10_000, START + 10_000]);
    expect(clock.now()).toBeLessThan(START + 10_000 + 200);
  });

  it('runs the actions due before a modelled cost first, each at its own instant, then reaches the cost', async () => {
    // Prepare
    const clock = clockAt(1);
    const seen: [number, number][] = [];
    clock.schedule(START + 100, (dueAt) => seen.push([dueAt, clock.now()]));
    clock.schedule(START + 200, (dueAt) => seen.push([dueAt, clock.now()]));

    // Act
    const reached = clock.reach(START + 500);
    const before = clock.now();
    await vi.advanceTimersByTimeAsync(5);
    await reached;

    // Assess
    expect(before).toBe(START + 100);
    expect(seen).toEqual([
      [START + 100, START + 100],
      [START + 200, START + 200],
    ]);
    expect(clock.now()).toBeGreaterThanOrEqual(START + 500);
  });

  it('runs a dense agenda without a timer wait per action when each is closer than a timer tick', () => {
    // Prepare: at scale 400, 100 simulated ms are a quarter of a wall millisecond.
    const clock = clockAt(400);
    const seen: number[] = [];
    for (let i = 1; i <= 50; i++) clock.schedule(START + i * 100, (dueAt) => seen.push(dueAt - clock.now()));

    // Act: the event loop turns (the fake timers' own time moves), but the clock's wall time stands
    // still, so an action waiting on a wall timer would never come due.
    for (let turn = 0; turn < 200; turn++) vi.advanceTimersByTime(1);

    // Assess: every action ran, each at its own instant, in order.
    expect(seen).toHaveLength(50);
    expect(seen.every((offset) => offset === 0)).toBe(true);
    expect(clock.now()).toBe(START + 5_000);
  });

  it('still waits on a timer for an action a timer tick or more away', () => {
    // Prepare: 1 simulated second is 2.5 wall ms at scale 400.
    const clock = clockAt(400);
    const seen: number[] = [];
    clock.schedule(START + 1_000, (dueAt) => seen.push(dueAt));

    // Act
    for (let turn = 0; turn < 20; turn++) vi.advanceTimersByTime(1);
    const beforeItsTime = [...seen];
    pass(3);

    // Assess
    expect(beforeItsTime).toEqual([]);
    expect(seen).toEqual([START + 1_000]);
  });

  it('pays back a modelled cost while idle, so that at scale 1 it keeps to wall time', () => {
    // Prepare
    const clock = clockAt(1);
    clock.advance(1_000);
    const ahead = clock.deviation();

    // Act
    pass(20_000);

    // Assess
    expect(ahead).toBe(1_000);
    expect(Math.abs(clock.deviation())).toBeLessThanOrEqual(1);
    expect(Math.abs(clock.now() - START - wall)).toBeLessThanOrEqual(1);
  });

  it('pays back what late timers lost, so that at scale 1 it keeps to wall time', () => {
    // Prepare
    const clock = clockAt(1);
    const scheduler = createScheduler(clock, (error) => {
      throw error;
    });
    scheduler.every(100, () => {});

    // Act: every timer fires 10 ms late (a busy event loop), for 20 wall seconds.
    for (let i = 0; i < 200; i++) {
      wall += 10;
      vi.advanceTimersByTime(1);
      pass(90);
    }

    // Assess
    expect(Math.abs(clock.now() - START - wall)).toBeLessThan(150);
  });

  it.each([0, 0.5, MAX_SCALE + 1, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses scale %s, naming the limits',
    (scale) => {
      // Act
      const refused = () => checkScale(scale);

      // Assess
      expect(refused).toThrow(RangeError);
      expect(refused).toThrow(`from ${MIN_SCALE} to ${MAX_SCALE} simulated seconds per wall second`);
    },
  );

  it('accepts the scales from 1 to 10,000', () => {
    // Act
    const accepted = [MIN_SCALE, 200, MAX_SCALE].map((scale) => () => checkScale(scale));

    // Assess
    for (const check of accepted) expect(check).not.toThrow();
  });
});
