import type { Plan } from '../schema.ts';
import { type PlanProblem, problem } from './problem.ts';

/**
 * The fast-path alarm over Route 53's HealthCheckStatus, as CloudWatch's PutMetricAlarm takes it
 * (Amazon CloudWatch API Reference, PutMetricAlarm: Period, EvaluationPeriods):
 * - Period × EvaluationPeriods is at most one day (86,400 s) for periods under one hour, and
 *   at most seven days (604,800 s) otherwise;
 * - periods of 10, 20 or 30 s are for metrics stored at one-second resolution: HealthCheckStatus
 *   is a one-minute metric, so such an alarm misses most datapoints and lapses into
 *   INSUFFICIENT_DATA instead of firing.
 * DatapointsToAlarm ≤ EvaluationPeriods is checked by the schema.
 */
export const ALARM_WINDOW_LIMIT_SECONDS = { underOneHour: 86_400, otherwise: 604_800 } as const;
const ONE_HOUR = 3_600;

export function alarmWindowProblems(plan: Plan): PlanProblem[] {
  const { periodSeconds, evaluationPeriods } = plan.detection.alarm;
  const problems: PlanProblem[] = [];
  if (periodSeconds < 60) {
    problems.push(
      problem(
        'detection.alarm.periodSeconds',
        `found ${periodSeconds}: a high-resolution period, but the alarm watches Route 53's HealthCheckStatus, a one-minute metric, and would lapse into INSUFFICIENT_DATA; allowed: 60 or a multiple of 60`,
      ),
    );
  }
  const limit =
    periodSeconds < ONE_HOUR ? ALARM_WINDOW_LIMIT_SECONDS.underOneHour : ALARM_WINDOW_LIMIT_SECONDS.otherwise;
  const window = periodSeconds * evaluationPeriods;
  if (window > limit) {
    problems.push(
      problem(
        'detection.alarm.evaluationPeriods',
        `found ${evaluationPeriods} periods of ${periodSeconds} s (${window} s): CloudWatch allows at most ${limit} s of evaluation for ${periodSeconds < ONE_HOUR ? 'periods under one hour' : 'periods of an hour or more'}; allowed: at most ${Math.floor(limit / periodSeconds)} periods of ${periodSeconds} s`,
      ),
    );
  }
  return problems;
}
