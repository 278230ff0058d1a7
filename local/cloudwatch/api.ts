import { AwsError } from '../protocol/errors.ts';
import type { ObjectService } from '../protocol/server.ts';
import { asArray, asDate, asNumber, asObject, asString, type JsonObject } from '../protocol/shapes.ts';
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
      PutMetricData: (input, { region }) => {
        const namespace = required(asString(input.Namespace), 'Namespace');
        if (namespace.startsWith('AWS/')) {
          throw new AwsError(
            'InvalidParameterValue',
            `The value ${namespace} for parameter Namespace is invalid.`,
          );
        }
        const now = Date.now();
        for (const raw of asArray(input.MetricData)) {
          const datum = asObject(raw);
          const name = required(asString(datum.MetricName), 'MetricData.member.N.MetricName');
          const dimensions = dimensionsOf(datum.Dimensions);
          const at = asDate(datum.Timestamp)?.getTime() ?? now;
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
          const values = asArray(datum.Values).map((v) => asNumber(v) ?? 0);
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
          const value = asNumber(datum.Value);
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
        const statistics = asArray(input.Statistics).map(String) as Statistic[];
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
        const datapoints = cw.statistics(metric, start, end, period).map(({ at, points }) => {
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
        const descending = (asString(input.ScanBy) ?? 'TimestampDescending') === 'TimestampDescending';
        const results = asArray(input.MetricDataQueries).map((raw) => {
          const query = asObject(raw);
          const id = required(asString(query.Id), 'MetricDataQueries.member.N.Id');
          if (query.Expression !== undefined) {
            throw new AwsError(
              'ValidationError',
              'Metric math expressions are not supported by the local world.',
            );
          }
          const stat = asObject(query.MetricStat);
          const metricShape = asObject(stat.Metric);
          const period = required(asNumber(stat.Period), 'MetricStat.Period');
          const statName = required(asString(stat.Stat), 'MetricStat.Stat') as Statistic;
          if (!STATISTICS.includes(statName))
            throw new AwsError('ValidationError', `Unsupported statistic ${statName}`);
          const metric = cw.find(
            region,
            asString(metricShape.Namespace) ?? '',
            asString(metricShape.MetricName) ?? '',
            dimensionsOf(metricShape.Dimensions),
          );
          const buckets = cw.statistics(metric, start, end, period);
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
      PutMetricAlarm: (input, { region }) => {
        const name = required(asString(input.AlarmName), 'AlarmName');
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
          actionsEnabled: input.ActionsEnabled === undefined ? true : String(input.ActionsEnabled) === 'true',
          alarmActions: asArray(input.AlarmActions).map(String),
          okActions: asArray(input.OKActions).map(String),
        });
        return {};
      },
      DeleteAlarms: (input, { region }) => {
        for (const name of asArray(input.AlarmNames).map(String)) cw.deleteAlarm(region, name);
        return {};
      },
      DescribeAlarms: (input, { region }) => {
        const names = asArray(input.AlarmNames).map(String);
        const prefix = asString(input.AlarmNamePrefix);
        const state = asString(input.StateValue);
        const alarms = cw
          .alarmsIn(region)
          .filter((a) => names.length === 0 || names.includes(a.name))
          .filter((a) => prefix === undefined || a.name.startsWith(prefix))
          .filter((a) => state === undefined || a.state === state);
        return { MetricAlarms: alarms.map(alarmJson), CompositeAlarms: [] };
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

function validateRange(start: number, end: number, period: number): void {
  if (start >= end) {
    throw new AwsError(
      'InvalidParameterValue',
      'The parameter StartTime must be less than the parameter EndTime.',
    );
  }
  if (![1, 5, 10, 20, 30].includes(period) && period % 60 !== 0) {
    throw new AwsError('InvalidParameterValue', 'The parameter Period must be a multiple of 60.');
  }
  if ((end - start) / (period * 1000) > 1440) {
    throw new AwsError(
      'InvalidParameterCombination',
      'You have requested up to 1,441 datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.',
    );
  }
}
