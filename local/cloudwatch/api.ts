import { metricResource, touch } from '../mutations.ts';
import { AwsError } from '../protocol/errors.ts';
import type { ObjectService } from '../protocol/server.ts';
import {
  asArray,
  asDate,
  asNumber,
  asObject,
  asString,
  asStrings,
  type JsonObject,
  shown,
} from '../protocol/shapes.ts';
import {
  type Alarm,
  type CloudWatchModel,
  type Comparison,
  type Dimension,
  type Statistic,
  statistic,
} from './model.ts';

const STATISTICS: Statistic[] = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];
const COMPARISONS: Comparison[] = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];

/**
 * CloudWatch operations. The installed SDK speaks awsJson1_0 (GraniteServiceVersion20100801,
 * query-compatible errors); the AWS CLI may speak rpc-v2-cbor or awsQuery: the server adapts
 * all three to these JSON-shaped operations.
 */
export function cloudWatchApi(cw: CloudWatchModel): ObjectService {
  return {
    service: 'cloudwatch',
    targetPrefix: 'GraniteServiceVersion20100801',
    jsonVersion: '1.0',
    queryCompatible: { xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/' },
    operations: {
      PutMetricData: (input, context) => {
        const { region } = context;
        const namespace = required(asString(input.Namespace), 'Namespace');
        if (namespace.startsWith('AWS/')) {
          throw new AwsError(
            'InvalidParameterValue',
            `The value ${namespace} for parameter Namespace is invalid.`,
          );
        }
        checkName(namespace, 'Namespace');
        const now = Date.now();
        const data = asArray(input.MetricData);
        if (data.length === 0)
          throw new AwsError('MissingParameter', 'The parameter MetricData is required.');
        if (data.length > LIMITS.metricDataPerRequest) {
          throw invalidValue(
            `The collection MetricData must not have a size greater than ${LIMITS.metricDataPerRequest}.`,
          );
        }
        for (const raw of data) {
          const datum = asObject(raw);
          const name = required(asString(datum.MetricName), 'MetricData.member.N.MetricName');
          checkName(name, 'MetricData.member.N.MetricName');
          const dimensions = dimensionsOf(datum.Dimensions);
          touch(context, metricResource(region, namespace, name, dimensions));
          const at = timestampOf(datum.Timestamp, now);
          if (
            !cw.find(region, namespace, name, dimensions) &&
            metricsIn(cw, region) >= LIMITS.metricsPerRegion
          ) {
            throw new AwsError(
              'LimitExceeded',
              `The local world keeps at most ${LIMITS.metricsPerRegion} metrics per region.`,
            );
          }
          const unit = asString(datum.Unit);
          const stats = asObject(datum.StatisticValues);
          if (datum.StatisticValues !== undefined) {
            cw.put(region, namespace, name, dimensions, {
              at,
              sampleCount: asNumber(stats.SampleCount) ?? 0,
              sum: asNumber(stats.Sum) ?? 0,
              min: asNumber(stats.Minimum) ?? 0,
              max: asNumber(stats.Maximum) ?? 0,
              unit,
            });
            continue;
          }
          const values = asArray(datum.Values).map((v) => finite(v, 'MetricData.member.N.Values'));
          if (values.length > LIMITS.valuesPerDatum) {
            throw invalidValue(
              `The collection Values must not have a size greater than ${LIMITS.valuesPerDatum}.`,
            );
          }
          if (values.length > 0) {
            const counts = asArray(datum.Counts).map((c) => asNumber(c) ?? 1);
            values.forEach((value, i) => {
              const count = counts[i] ?? 1;
              cw.put(region, namespace, name, dimensions, {
                at,
                sampleCount: count,
                sum: value * count,
                min: value,
                max: value,
                unit,
              });
            });
            continue;
          }
          const value =
            datum.Value === undefined ? undefined : finite(datum.Value, 'MetricData.member.N.Value');
          if (value === undefined) {
            throw new AwsError('MissingParameter', 'The parameter MetricData.member.1.Value is required.');
          }
          cw.putValue(region, namespace, name, dimensions, value, at, unit);
        }
        return {};
      },
      GetMetricStatistics: (input, { region }) => {
        const namespace = required(asString(input.Namespace), 'Namespace');
        const name = required(asString(input.MetricName), 'MetricName');
        const start = required(asDate(input.StartTime), 'StartTime').getTime();
        const end = required(asDate(input.EndTime), 'EndTime').getTime();
        const period = required(asNumber(input.Period), 'Period');
        validateRange(start, end, period);
        const statistics = asStrings(input.Statistics) as Statistic[];
        if (statistics.length === 0 && asArray(input.ExtendedStatistics).length === 0) {
          throw new AwsError(
            'InvalidParameterCombination',
            'Must specify either Statistics or ExtendedStatistics.',
          );
        }
        for (const s of statistics) {
          if (!STATISTICS.includes(s))
            throw new AwsError(
              'InvalidParameterValue',
              `The parameter Statistics.member.1 must be a value in the set [ Maximum, Minimum, Sum, SampleCount, Average ].`,
            );
        }
        const metric = cw.find(region, namespace, name, dimensionsOf(input.Dimensions));
        const aligned = alignedStart(start, period, Date.now());
        const datapoints = cw.statistics(metric, aligned, end, period).map(({ at, points }) => {
          const point: JsonObject = {
            Timestamp: new Date(at),
            Unit: points[0]?.unit ?? asString(input.Unit) ?? 'None',
          };
          for (const s of statistics) point[s] = statistic(s, points);
          return point;
        });
        return { Label: name, Datapoints: datapoints };
      },
      GetMetricData: (input, { region }) => {
        const start = required(asDate(input.StartTime), 'StartTime').getTime();
        const end = required(asDate(input.EndTime), 'EndTime').getTime();
        if (start >= end) {
          throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');
        }
        const scanBy = asString(input.ScanBy) ?? 'TimestampDescending';
        if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
          throw invalidValue(`The value ${scanBy.slice(0, 64)} for parameter ScanBy is invalid.`);
        }
        const descending = scanBy === 'TimestampDescending';
        const queries = asArray(input.MetricDataQueries);
        if (queries.length === 0)
          throw new AwsError('MissingParameter', 'The parameter MetricDataQueries is required.');
        if (queries.length > LIMITS.metricDataQueries) {
          throw invalidValue(
            `The collection MetricDataQueries must not have a size greater than ${LIMITS.metricDataQueries}.`,
          );
        }
        const now = Date.now();
        const results = queries.map((raw) => {
          const query = asObject(raw);
          const id = required(asString(query.Id), 'MetricDataQueries.member.N.Id');
          if (!/^[a-z][a-zA-Z0-9_]{0,254}$/.test(id)) {
            throw new AwsError(
              'ValidationError',
              `The value ${id.slice(0, 64)} for parameter MetricDataQueries.member.N.Id is invalid: it must start with a lowercase letter and hold letters, digits and underscores.`,
            );
          }
          if (query.Expression !== undefined) {
            throw new AwsError(
              'ValidationError',
              'Metric math expressions are not supported by the local world.',
            );
          }
          const stat = asObject(query.MetricStat);
          const metricShape = asObject(stat.Metric);
          const period = required(asNumber(stat.Period), 'MetricStat.Period');
          checkPeriod(period);
          const statName = required(asString(stat.Stat), 'MetricStat.Stat') as Statistic;
          if (!STATISTICS.includes(statName))
            throw new AwsError('ValidationError', `Unsupported statistic ${statName}`);
          const metric = cw.find(
            region,
            asString(metricShape.Namespace) ?? '',
            asString(metricShape.MetricName) ?? '',
            dimensionsOf(metricShape.Dimensions),
          );
          // CloudWatch rounds StartTime down (to the minute, or the 5/10/20/30-second division
          // for those periods) and aligns the periods to it.
          const buckets = cw.statistics(metric, alignedStart(start, period, now), end, period);
          if (descending) buckets.reverse();
          return {
            Id: id,
            Label: asString(query.Label) ?? asString(metricShape.MetricName),
            Timestamps: buckets.map((b) => new Date(b.at)),
            Values: buckets.map((b) => statistic(statName, b.points)),
            StatusCode: 'Complete',
          };
        });
        return { MetricDataResults: results, Messages: [] };
      },
      ListMetrics: (input, { region }) => {
        const namespace = asString(input.Namespace);
        const name = asString(input.MetricName);
        const metrics = [...cw.metrics.values()].filter(
          (m) =>
            m.region === region &&
            (namespace === undefined || m.namespace === namespace) &&
            (name === undefined || m.name === name),
        );
        return {
          Metrics: metrics.map((m) => ({
            Namespace: m.namespace,
            MetricName: m.name,
            Dimensions: m.dimensions,
          })),
        };
      },
      PutMetricAlarm: (input, context) => {
        const { region } = context;
        const name = required(asString(input.AlarmName), 'AlarmName');
        touch(context, cw.alarmArnOf(region, name));
        checkName(name, 'AlarmName');
        if (!cw.alarms.has(`${region}|${name}`) && cw.alarmsIn(region).length >= LIMITS.alarmsPerRegion) {
          throw new AwsError(
            'LimitExceeded',
            `The local world evaluates at most ${LIMITS.alarmsPerRegion} alarms per region.`,
          );
        }
        const statisticName = required(asString(input.Statistic), 'Statistic') as Statistic;
        if (!STATISTICS.includes(statisticName))
          throw new AwsError('ValidationError', `Invalid statistic ${statisticName}`);
        const comparison = required(asString(input.ComparisonOperator), 'ComparisonOperator') as Comparison;
        if (!COMPARISONS.includes(comparison))
          throw new AwsError('ValidationError', `Invalid comparison operator ${comparison}`);
        const evaluationPeriods = required(asNumber(input.EvaluationPeriods), 'EvaluationPeriods');
        const treat = asString(input.TreatMissingData) ?? 'missing';
        if (!['missing', 'breaching', 'notBreaching', 'ignore'].includes(treat)) {
          throw new AwsError('ValidationError', `Invalid TreatMissingData ${treat}`);
        }
        cw.putAlarm({
          name,
          region,
          description: asString(input.AlarmDescription),
          namespace: required(asString(input.Namespace), 'Namespace'),
          metricName: required(asString(input.MetricName), 'MetricName'),
          dimensions: dimensionsOf(input.Dimensions),
          statistic: statisticName,
          period: required(asNumber(input.Period), 'Period'),
          evaluationPeriods,
          datapointsToAlarm: asNumber(input.DatapointsToAlarm) ?? evaluationPeriods,
          threshold: required(asNumber(input.Threshold), 'Threshold'),
          comparison,
          treatMissingData: treat as Alarm['treatMissingData'],
          actionsEnabled: input.ActionsEnabled === undefined ? true : shown(input.ActionsEnabled) === 'true',
          alarmActions: asStrings(input.AlarmActions),
          okActions: asStrings(input.OKActions),
        });
        return {};
      },
      DeleteAlarms: (input, context) => {
        const { region } = context;
        const names = asStrings(input.AlarmNames);
        touch(context, ...names.map((name) => cw.alarmArnOf(region, name)));
        if (names.length > 100)
          throw invalidValue('The collection AlarmNames must not have a size greater than 100.');
        for (const name of names) cw.deleteAlarm(region, name);
        return {};
      },
      DescribeAlarms: (input, { region }) => {
        const names = asStrings(input.AlarmNames);
        if (names.length > 100)
          throw invalidValue('The collection AlarmNames must not have a size greater than 100.');
        const maxRecords = asNumber(input.MaxRecords) ?? 50;
        if (!Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > 100) {
          throw invalidValue(
            `The value ${shown(input.MaxRecords)} for parameter MaxRecords is invalid: it must be from 1 to 100.`,
          );
        }
        const prefix = asString(input.AlarmNamePrefix);
        const state = asString(input.StateValue);
        const alarms = cw
          .alarmsIn(region)
          .filter((a) => names.length === 0 || names.includes(a.name))
          .filter((a) => prefix === undefined || a.name.startsWith(prefix))
          .filter((a) => state === undefined || a.state === state);
        const offset = tokenOffset(asString(input.NextToken), alarms.length);
        const page = alarms.slice(offset, offset + maxRecords);
        const next = offset + maxRecords < alarms.length ? String(offset + maxRecords) : undefined;
        return {
          MetricAlarms: page.map(alarmJson),
          CompositeAlarms: [],
          ...(next === undefined ? {} : { NextToken: Buffer.from(`alarms:${next}`).toString('base64') }),
        };
      },
    },
  };
}

function alarmJson(alarm: Alarm): JsonObject {
  return {
    AlarmName: alarm.name,
    AlarmArn: alarm.arn,
    AlarmDescription: alarm.description,
    AlarmConfigurationUpdatedTimestamp: alarm.configurationUpdatedAt,
    ActionsEnabled: alarm.actionsEnabled,
    OKActions: alarm.okActions,
    AlarmActions: alarm.alarmActions,
    InsufficientDataActions: [],
    StateValue: alarm.state,
    StateReason: alarm.stateReason,
    StateUpdatedTimestamp: alarm.stateUpdatedAt,
    StateTransitionedTimestamp: alarm.stateUpdatedAt,
    MetricName: alarm.metricName,
    Namespace: alarm.namespace,
    Statistic: alarm.statistic,
    Dimensions: alarm.dimensions,
    Period: alarm.period,
    EvaluationPeriods: alarm.evaluationPeriods,
    DatapointsToAlarm: alarm.datapointsToAlarm,
    Threshold: alarm.threshold,
    ComparisonOperator: alarm.comparison,
    TreatMissingData: alarm.treatMissingData,
  };
}

function dimensionsOf(value: unknown): Dimension[] {
  return asArray(value).map((raw) => {
    const d = asObject(raw);
    return { Name: asString(d.Name) ?? '', Value: asString(d.Value) ?? '' };
  });
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new AwsError('MissingParameter', `The parameter ${name} is required.`);
  return value;
}

/**
 * CloudWatch's limits (CloudWatch API reference and "CloudWatch service quotas"): PutMetricData
 * takes up to 1,000 metrics of up to 150 values each, names up to 255 characters, timestamps
 * from two weeks ago to two hours ahead; GetMetricData up to 500 queries. The world also keeps
 * at most 500 metrics and 1,000 alarms per region (its own bound, documented).
 */
export const LIMITS = {
  metricDataPerRequest: 1_000,
  valuesPerDatum: 150,
  nameCharacters: 255,
  metricDataQueries: 500,
  pastMs: 14 * 86_400_000,
  futureMs: 2 * 3_600_000,
  metricsPerRegion: 500,
  alarmsPerRegion: 1_000,
} as const;

function invalidValue(message: string): AwsError {
  return new AwsError('InvalidParameterValue', message);
}

function checkName(value: string, parameter: string): void {
  if (value.length === 0 || value.length > LIMITS.nameCharacters) {
    throw invalidValue(`The parameter ${parameter} must be 1 to ${LIMITS.nameCharacters} characters long.`);
  }
}

function finite(value: unknown, parameter: string): number {
  const number = asNumber(value);
  if (number === undefined || !Number.isFinite(number)) {
    throw invalidValue(`The value ${shown(value)} for parameter ${parameter} is invalid.`);
  }
  return number;
}

function timestampOf(value: unknown, now: number): number {
  if (value === undefined || value === null || value === '') return now;
  const at = asDate(value)?.getTime();
  if (at === undefined || Number.isNaN(at)) {
    throw invalidValue(`The value ${shown(value)} for parameter MetricData.member.N.Timestamp is invalid.`);
  }
  if (at < now - LIMITS.pastMs || at > now + LIMITS.futureMs) {
    throw invalidValue(
      'The parameter MetricData.member.N.Timestamp must specify a time no more than two weeks in the past or two hours in the future.',
    );
  }
  return at;
}

function metricsIn(cw: CloudWatchModel, region: string): number {
  let count = 0;
  for (const metric of cw.metrics.values()) if (metric.region === region) count++;
  return count;
}

function tokenOffset(token: string | undefined, size: number): number {
  if (token === undefined) return 0;
  const match = /^alarms:(\d{1,9})$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  if (!match || Number(match[1]) > size) throw invalidValue('The NextToken is invalid.');
  return Number(match[1]);
}

/** Periods CloudWatch accepts: 1, 5, 10, 20, 30 (high resolution) or a multiple of 60 seconds. */
function checkPeriod(period: number): void {
  if (
    !Number.isInteger(period) ||
    period < 1 ||
    (period < 60 ? ![1, 5, 10, 20, 30].includes(period) : period % 60 !== 0)
  ) {
    throw invalidValue('The parameter Period must be 1, 5, 10, 20, 30 or a multiple of 60.');
  }
}

/**
 * Where CloudWatch starts the periods of a query (GetMetricData / GetMetricStatistics,
 * StartTime): rounded down to the whole minute for data under 15 days old, to 5 minutes up to
 * 63 days, to the hour beyond; with a period of 1, 5, 10, 20 or 30 seconds, to that division of
 * the minute.
 */
export function alignedStart(start: number, periodSeconds: number, now: number): number {
  const age = now - start;
  const unit =
    periodSeconds < 60
      ? periodSeconds * 1000
      : age > 63 * 86_400_000
        ? 3_600_000
        : age > 15 * 86_400_000
          ? 300_000
          : 60_000;
  return Math.floor(start / unit) * unit;
}

function validateRange(start: number, end: number, period: number): void {
  if (start >= end) {
    throw new AwsError(
      'InvalidParameterValue',
      'The parameter StartTime must be less than the parameter EndTime.',
    );
  }
  checkPeriod(period);
  if ((end - start) / (period * 1000) > 1440) {
    throw new AwsError(
      'InvalidParameterCombination',
      'You have requested up to 1,441 datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.',
    );
  }
}
