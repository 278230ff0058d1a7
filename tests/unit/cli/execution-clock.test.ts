import { describe, expect, it } from 'vitest';
import { ExecutionClock } from '../../../cli/drill/execution-clock.ts';

describe("a followed execution's clock", () => {
  it("runs from the execution's start date by the wall time elapsed, whatever the client's clock reads", () => {
    // Prepare: the client's clock is 8 hours ahead of the service's.
    let wall = Date.parse('2026-12-02T12:00:00Z');
    const clock = new ExecutionClock(Date.parse('2026-12-02T04:00:00Z'), () => wall);

    // Act
    wall += 90_000;

    // Assess
    expect(clock.now() - clock.origin).toBe(90_000);
  });

  it('never reads earlier than an event the service reported (a simulated clock runs faster)', () => {
    // Prepare
    const wall = Date.parse('2026-12-02T12:00:00Z');
    const origin = Date.parse('2026-12-02T04:00:00Z');
    const clock = new ExecutionClock(origin, () => wall);

    // Act
    clock.saw(origin + 600_000);
    clock.saw(origin + 300_000);
    clock.saw(Number.NaN);

    // Assess
    expect(clock.now() - origin).toBe(600_000);
  });
});
