import { describe, expect, it } from 'vitest';
import { median, summarize } from '../../../bench/lib/stats.ts';

describe('bench statistics', () => {
  it('quotes the middle value of an odd count, whatever the order of the runs', () => {
    // Prepare
    const runs = [9, 1, 5, 100, 3];

    // Act
    const middle = median(runs);

    // Assess
    expect(middle).toBe(5);
  });

  it('averages the two middle values of an even count', () => {
    // Prepare
    const runs = [4, 1, 3, 2];

    // Act
    const middle = median(runs);

    // Assess
    expect(middle).toBe(2.5);
  });

  it('refuses to invent a median from no runs', () => {
    // Prepare
    const runs: number[] = [];

    // Act
    const act = () => median(runs);

    // Assess
    expect(act).toThrow(RangeError);
  });

  it('summarizes the spread with the values rounded', () => {
    // Prepare
    const runs = [40.04, 61.26, 52.54];

    // Act
    const sample = summarize(runs);

    // Assess
    expect(sample).toEqual({ median: 52.5, min: 40, max: 61.3, runs: 3, values: [40, 61.3, 52.5] });
  });
});
