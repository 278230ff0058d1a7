import { describe, expect, it } from 'vitest';
import { LOG_CAPACITY, RequestCounts } from '../../../local/request-counts.ts';

const call = (operation: string, kind: 'required' | 'best-effort' | 'outside', outcome = 'ok') => ({
  service: 'rds',
  region: 'us-west-2',
  operation,
  kind,
  outcome,
});

describe('RequestCounts', () => {
  it('groups drctl calls of a window by service, region, operation and kind, failed ones counted', () => {
    // Prepare
    const counts = new RequestCounts();
    counts.count(call('DescribeDBInstances', 'required'), 1_000);
    counts.count(call('DescribeDBInstances', 'required', 'Throttling'), 2_000);
    counts.count(call('DescribeDBInstances', 'best-effort', 'refused'), 2_500);
    counts.count(call('PromoteReadReplica', 'required'), 9_000);
    counts.count(call('DescribeDBInstances', 'outside'), 1_500);

    // Act
    const window = counts.dependencies({ from: 1_000, to: 3_000 });

    // Assess
    expect(window).toEqual([
      {
        service: 'rds',
        region: 'us-west-2',
        operation: 'DescribeDBInstances',
        calls: 2,
        failed: 1,
        required: true,
      },
      {
        service: 'rds',
        region: 'us-west-2',
        operation: 'DescribeDBInstances',
        calls: 1,
        failed: 1,
        required: false,
      },
    ]);
    expect(counts.all().find((c) => c.kind === 'outside')?.calls).toBe(1);
  });

  it('keeps its memory bounded: totals stay exact, the window log keeps the newest calls', () => {
    // Prepare
    const counts = new RequestCounts();

    // Act
    for (let n = 0; n < LOG_CAPACITY + 10; n++) counts.count(call('DescribeDBInstances', 'required'), n);

    // Assess
    expect(counts.all()).toEqual([{ ...call('DescribeDBInstances', 'required'), calls: LOG_CAPACITY + 10 }]);
    expect(counts.dependencies()[0]?.calls).toBe(LOG_CAPACITY);
    expect(counts.dependencies({ from: 0, to: 9 })).toEqual([]);
  });
});
