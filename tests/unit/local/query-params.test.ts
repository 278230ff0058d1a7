import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../local/protocol/errors.ts';
import { MAX_LIST_INDEX, QueryParams } from '../../../local/protocol/query-params.ts';
import { queryToObject } from '../../../local/protocol/shapes.ts';

function refusal(parse: () => unknown): AwsError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(AwsError);
    return error as AwsError;
  }
  throw new Error('expected the request to be refused');
}

describe('awsQuery parameters', () => {
  it('never reach an object prototype, whatever the parameter names', () => {
    // Prepare
    const body =
      'Action=ListMetrics&__proto__.polluted=yes&constructor.prototype.polluted=yes&Namespace.__proto__.x=1&a.constructor.prototype.y=2';

    // Act
    const params = QueryParams.parse(body);
    const input = queryToObject(params);

    // Assess
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).y).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(params.get('__proto__.polluted')).toBe('yes');
    expect(Object.keys(input)).toContain('__proto__');
  });

  it('read 10,000 list members in linear time', () => {
    // Prepare
    const filters = Array.from(
      { length: 10_000 },
      (_, i) => `Filters.Filter.${i + 1}.Name=engine&Filters.Filter.${i + 1}.Values.Value.1=mysql`,
    ).join('&');

    // Act
    const started = performance.now();
    const items = QueryParams.parse(`Action=DescribeDBInstances&${filters}`).listOf('Filters.Filter');
    const values = items.map((item) => item.strings('Values.Value'));
    const elapsedMs = performance.now() - started;

    // Assess
    expect(items).toHaveLength(10_000);
    expect(items[9_999]?.get('Name')).toBe('engine');
    expect(values[0]).toEqual(['mysql']);
    // Quadratic parsing took 17 s here; linear takes milliseconds (seconds on a loaded machine).
    expect(elapsedMs).toBeLessThan(3_000);
  });

  it('give list items in index order, and refuse members that are not numbered 1 to 10,000', () => {
    // Prepare
    const params = QueryParams.parse('Names.member.2=b&Names.member.1=a&Names.member.10=c');

    // Act
    const names = params.strings('Names.member');
    const tooFar = refusal(() => QueryParams.parse(`L.${MAX_LIST_INDEX + 1}=x`).strings('L'));
    const notNumbered = refusal(() => QueryParams.parse('L.first=x').strings('L'));

    // Assess
    expect(names).toEqual(['a', 'b', 'c']);
    expect(tooFar.code).toBe('MalformedQueryString');
    expect(notNumbered.code).toBe('MalformedQueryString');
  });

  it('refuse a number or an integer out of its bounds with InvalidParameterValue naming them', () => {
    // Prepare
    const params = QueryParams.parse('MaxRecords=5&Period=lots');

    // Act
    const bounds = refusal(() => params.integer('MaxRecords', 20, 100));
    const notANumber = refusal(() => params.number('Period'));

    // Assess
    expect(bounds.code).toBe('InvalidParameterValue');
    expect(bounds.message).toContain('between 20 and 100');
    expect(notANumber.code).toBe('InvalidParameterValue');
  });

  it('become the nested input JSON protocols carry, with lists from member.N', () => {
    // Prepare
    const params = QueryParams.parse(
      'Action=PutMetricData&Namespace=drctl&MetricData.member.1.MetricName=Up&MetricData.member.1.Dimensions.member.1.Name=Plan&MetricData.member.1.Dimensions.member.1.Value=shop&MetricData.member.1.Value=1',
    );

    // Act
    const input = JSON.parse(JSON.stringify(queryToObject(params)));

    // Assess
    expect(input).toEqual({
      Namespace: 'drctl',
      MetricData: [{ MetricName: 'Up', Dimensions: [{ Name: 'Plan', Value: 'shop' }], Value: '1' }],
    });
  });
});
