import type { WorldContext } from '../context.ts';
import { AwsError } from '../protocol/errors.ts';

/**
 * CloudWatch: a metric store per region and metric alarms, each in its own region, evaluated on
 * a schedule with their period, evaluation periods, datapoints to alarm and missing-data
 * treatment. CloudWatch is regional: while a region is down its CloudWatch ingests nothing
 * (datapoints sent to it are lost) and evaluates none of its alarms (they keep their state).
 */
export interface Dimension {
  Name: string;
  Value: string;
}

export interface Datapoint {
  at: number;
  /** A single value, or a pre-aggregated statistic set. */
  sampleCount: number;
  sum: number;
  min: number;
  max: number;
  unit: string | undefined;
}

export interface Metric {
  region: string;
  namespace: string;
  name: string;
  dimensions: Dimension[];
  datapoints: Datapoint[];
}

export type Statistic = 'SampleCount' | 'Average' | 'Sum' | 'Minimum' | 'Maximum';
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type Comparison =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

export interface Alarm {
  name: string;
  arn: string;
  region: string;
  description?: string;
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  statistic: Statistic;
  period: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: Comparison;
  treatMissingData: 'missing' | 'breaching' | 'notBreaching' | 'ignore';
  actionsEnabled: boolean;
  alarmActions: string[];
  okActions: string[];
  state: AlarmState;
  stateReason: string;
  stateUpdatedAt: Date;
  configurationUpdatedAt: Date;
  stopEvaluating: () => void;
}

export type AlarmDefinition = Omit<
  Alarm,
  'arn' | 'state' | 'stateReason' | 'stateUpdatedAt' | 'configurationUpdatedAt' | 'stopEvaluating'
>;

const dimensionKey = (dimensions: Dimension[]) =>
  [...dimensions]
    .sort((a, b) => a.Name.localeCompare(b.Name))
    .map((d) => `${d.Name}=${d.Value}`)
    .join(',');

/** Periods CloudWatch looks back beyond the evaluation periods to find datapoints (approximation). */
const EXTRA_EVALUATION_RANGE_PERIODS = 4;

export class CloudWatchModel {
  readonly metrics = new Map<string, Metric>();
  readonly alarms = new Map<string, Alarm>();
  private readonly context: WorldContext;
  /** Called on every alarm state change (the world routes ALARM to its EventBridge rule). */
  onAlarmStateChange: (alarm: Alarm, previous: AlarmState, at: number) => void = () => {};

  constructor(context: WorldContext) {
    this.context = context;
  }

  private metricKey(region: string, namespace: string, name: string, dimensions: Dimension[]): string {
    return `${region}|${namespace}|${name}|${dimensionKey(dimensions)}`;
  }

  put(region: string, namespace: string, name: string, dimensions: Dimension[], point: Datapoint): void {
    if (!this.context.isRegionUp(region)) return;
    const key = this.metricKey(region, namespace, name, dimensions);
    let metric = this.metrics.get(key);
    if (!metric) {
      metric = { region, namespace, name, dimensions: [...dimensions], datapoints: [] };
      this.metrics.set(key, metric);
    }
    metric.datapoints.push(point);
    // Keep the store bounded: a simulated day is far more than a drill needs.
    if (metric.datapoints.length > 20_000) metric.datapoints.splice(0, metric.datapoints.length - 20_000);
  }

  putValue(
    region: string,
    namespace: string,
    name: string,
    dimensions: Dimension[],
    value: number,
    at: number,
    unit?: string,
  ): void {
    this.put(region, namespace, name, dimensions, {
      at,
      sampleCount: 1,
      sum: value,
      min: value,
      max: value,
      unit,
    });
  }

  find(region: string, namespace: string, name: string, dimensions: Dimension[]): Metric | undefined {
    return this.metrics.get(this.metricKey(region, namespace, name, dimensions));
  }

  /** Aggregates the datapoints in [start, end) into periods starting at `start`. */
  statistics(
    metric: Metric | undefined,
    start: number,
    end: number,
    periodSeconds: number,
  ): { at: number; points: Datapoint[] }[] {
    if (!metric) return [];
    const period = periodSeconds * 1000;
    const buckets = new Map<number, Datapoint[]>();
    for (const point of metric.datapoints) {
      if (point.at < start || point.at >= end) continue;
      const bucket = start + Math.floor((point.at - start) / period) * period;
      const points = buckets.get(bucket) ?? [];
      points.push(point);
      buckets.set(bucket, points);
    }
    return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([at, points]) => ({ at, points }));
  }

  // ---- alarms --------------------------------------------------------------------------------

  alarmArnOf(region: string, name: string): string {
    return `arn:aws:cloudwatch:${region}:${this.context.account}:alarm:${name}`;
  }

  putAlarm(definition: AlarmDefinition): Alarm {
    if (definition.datapointsToAlarm > definition.evaluationPeriods) {
      throw new AwsError(
        'ValidationError',
        'DatapointsToAlarm must be less than or equal to EvaluationPeriods',
      );
    }
    if (
      definition.period < 10 ||
      (definition.period >= 60 ? definition.period % 60 !== 0 : ![10, 20, 30].includes(definition.period))
    ) {
      throw new AwsError('ValidationError', 'Period must be 10, 20, 30 or a multiple of 60');
    }
    const key = `${definition.region}|${definition.name}`;
    const now = this.context.clock.now();
    const existing = this.alarms.get(key);
    existing?.stopEvaluating();
    const alarm: Alarm = {
      ...definition,
      arn: this.alarmArnOf(definition.region, definition.name),
      state: existing?.state ?? 'INSUFFICIENT_DATA',
      stateReason: existing?.stateReason ?? 'Unchecked: Initial alarm creation',
      stateUpdatedAt: existing?.stateUpdatedAt ?? new Date(now),
      configurationUpdatedAt: new Date(now),
      stopEvaluating: () => {},
    };
    // CloudWatch evaluates every minute (high-resolution alarms every period).
    const every = Math.min(alarm.period, 60) * 1000;
    const firstAt = Math.ceil(now / every) * every;
    alarm.stopEvaluating = this.context.scheduler.every(every, (at) => this.evaluate(alarm, at), { firstAt });
    this.alarms.set(key, alarm);
    return alarm;
  }

  deleteAlarm(region: string, name: string): void {
    const alarm = this.alarms.get(`${region}|${name}`);
    alarm?.stopEvaluating();
    this.alarms.delete(`${region}|${name}`);
  }

  /** Whether the region's CloudWatch answers (Route 53 health checkers read alarms through it). */
  isReadable(region: string): boolean {
    return this.context.isRegionUp(region);
  }

  findAlarm(region: string, name: string): Alarm | undefined {
    return this.alarms.get(`${region}|${name}`);
  }

  alarmsIn(region: string): Alarm[] {
    return [...this.alarms.values()].filter((alarm) => alarm.region === region);
  }

  /**
   * Evaluates the alarm at `at`. CloudWatch looks at an evaluation range somewhat longer than
   * the evaluation periods: with `missing` (the default) it judges the most recent datapoints it
   * finds there and goes to INSUFFICIENT_DATA only when the whole range is empty; `breaching`
   * and `notBreaching` fill the missing periods; `ignore` keeps the state when they are empty.
   */
  evaluate(alarm: Alarm, at: number): void {
    if (!this.context.isRegionUp(alarm.region)) return;
    const period = alarm.period * 1000;
    const end = Math.floor(at / period) * period;
    const rangePeriods = alarm.evaluationPeriods + EXTRA_EVALUATION_RANGE_PERIODS;
    const start = end - rangePeriods * period;
    const metric = this.find(alarm.region, alarm.namespace, alarm.metricName, alarm.dimensions);
    const buckets = new Map(this.statistics(metric, start, end, alarm.period).map((b) => [b.at, b.points]));
    // Newest first.
    const range: (number | undefined)[] = [];
    for (let t = end - period; t >= start; t -= period) {
      const points = buckets.get(t);
      range.push(points ? statistic(alarm.statistic, points) : undefined);
    }
    const latest = range.slice(0, alarm.evaluationPeriods);
    let judged: number[];
    let filled = 0;
    switch (alarm.treatMissingData) {
      case 'missing':
        judged = range.filter((v): v is number => v !== undefined).slice(0, alarm.evaluationPeriods);
        break;
      case 'ignore':
        judged = latest.filter((v): v is number => v !== undefined);
        break;
      default:
        judged = latest.filter((v): v is number => v !== undefined);
        filled = latest.length - judged.length;
    }
    let next: AlarmState;
    let reason: string;
    if (judged.length === 0 && filled === 0) {
      if (alarm.treatMissingData === 'ignore') return;
      next = 'INSUFFICIENT_DATA';
      reason = `Insufficient Data: ${range.length} datapoints were unknown.`;
    } else {
      const counted =
        judged.filter((v) => breaches(alarm, v)).length +
        (alarm.treatMissingData === 'breaching' ? filled : 0);
      next = counted >= alarm.datapointsToAlarm ? 'ALARM' : 'OK';
      const shown = judged.map((v) => String(v)).join(', ');
      reason = `Threshold Crossed: ${counted} out of the last ${alarm.evaluationPeriods} datapoints [${shown}] ${next === 'ALARM' ? 'were' : 'were not'} ${describeComparison(alarm.comparison)} the threshold (${alarm.threshold}) (minimum ${alarm.datapointsToAlarm} datapoint${alarm.datapointsToAlarm === 1 ? '' : 's'} for ${next === 'ALARM' ? 'OK -> ALARM' : 'ALARM -> OK'} transition).`;
    }
    if (next === alarm.state) return;
    const previous = alarm.state;
    alarm.state = next;
    alarm.stateReason = reason;
    alarm.stateUpdatedAt = new Date(at);
    this.context.events.record(
      'alarm.state',
      at,
      `alarm ${alarm.name}: ${previous} → ${next}`,
      { alarm: alarm.name, previous, state: next, reason },
      alarm.region,
    );
    this.onAlarmStateChange(alarm, previous, at);
  }
}

export function statistic(name: Statistic, points: Datapoint[]): number {
  const count = points.reduce((s, p) => s + p.sampleCount, 0);
  const sum = points.reduce((s, p) => s + p.sum, 0);
  switch (name) {
    case 'SampleCount':
      return count;
    case 'Sum':
      return sum;
    case 'Average':
      return count === 0 ? 0 : sum / count;
    case 'Minimum':
      return Math.min(...points.map((p) => p.min));
    case 'Maximum':
      return Math.max(...points.map((p) => p.max));
  }
}

function breaches(alarm: Alarm, value: number): boolean {
  switch (alarm.comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= alarm.threshold;
    case 'GreaterThanThreshold':
      return value > alarm.threshold;
    case 'LessThanThreshold':
      return value < alarm.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= alarm.threshold;
  }
}

function describeComparison(comparison: Comparison): string {
  return {
    GreaterThanOrEqualToThreshold: 'greater than or equal to',
    GreaterThanThreshold: 'greater than',
    LessThanThreshold: 'less than',
    LessThanOrEqualToThreshold: 'less than or equal to',
  }[comparison];
}
