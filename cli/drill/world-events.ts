import type { World, WorldEvent, WorldEventType } from '../../local/index.ts';
import { gateAlarmName } from '../../plan/names.ts';
import { NO_CHANGE_REASONS } from '../../report/schema.ts';
import type { Tone } from '../terminal/progress.ts';

/**
 * Which of the world's facts a drill shows as they happen, and how. Step starts and ends come
 * from the execution history instead; per-task and per-state chatter stays in the event log.
 */
const SHOWN: Partial<Record<WorldEventType, Tone | ((event: WorldEvent) => Tone | undefined)>> = {
  'region.outage': 'bad',
  'region.recovered': 'warn',
  'route53.control-plane-outage': 'bad',
  'route53.control-plane-recovered': 'warn',
  'application.outage': 'bad',
  'application.recovered': 'warn',
  'fault.injected': (event) => (event.detail.kind === 'region-outage' ? undefined : 'warn'),
  'fault.cleared': 'info',
  'writes.lost': 'warn',
  // The gate check turning unhealthy is the switch working, not a failure.
  'healthcheck.unhealthy': (event) => (event.detail.role === 'gate' ? 'info' : 'bad'),
  'healthcheck.healthy': (event) => (event.detail.role === 'gate' ? 'warn' : 'good'),
  'dns.answer-changed': 'info',
  'eventbridge.undelivered': 'warn',
  'alarm.state': (event) => (event.detail.state === 'ALARM' ? 'bad' : 'info'),
  'failover.triggered': 'warn',
  'failover.suppressed': 'info',
  'failover.approval-requested': 'warn',
  'rds.status': 'info',
  'ecs.desired-count': 'info',
  'ecs.service-steady': 'good',
  'ecs.rollout-failed': 'bad',
  // A task the service scheduler stopped (a scale-in, the drill's cleanup) is the plan working.
  'ecs.task-stopped': (event) => (event.detail.stopCode === 'ServiceSchedulerInitiated' ? 'info' : 'bad'),
  'route53.change-submitted': 'info',
  'route53.change-rejected': 'bad',
  'route53.change-insync': 'good',
  'traffic.served': (event) => (event.detail.serving === true ? 'good' : 'bad'),
  'sns.published': 'info',
  'execution.ended': (event) => (event.detail.status === 'SUCCEEDED' ? 'good' : 'bad'),
};

export function describeWorldEvent(
  event: WorldEvent,
  world: World,
): { tone: Tone; text: string } | undefined {
  const rule = SHOWN[event.type];
  if (rule === undefined) return undefined;
  // Only the detection alarms and the traffic gate matter to the drill; other alarms (readiness,
  // lag) stay quiet.
  if (
    event.type === 'alarm.state' &&
    !world.detection.alarms.some((a) => a.name === event.detail.alarm) &&
    event.detail.alarm !== gateAlarmName(world.plan)
  )
    return undefined;
  const gateClosing = event.type === 'alarm.state' && event.detail.alarm === gateAlarmName(world.plan);
  const tone = gateClosing ? 'info' : typeof rule === 'function' ? rule(event) : rule;
  if (tone === undefined) return undefined;
  const noChange = event.type === 'execution.ended' ? noChangeOutcome(event, world) : null;
  if (noChange) return { tone: 'warn', text: `${event.message}, with no change: ${noChange}` };
  const cause =
    event.type === 'execution.ended' && event.detail.error ? `: ${String(event.detail.error)}` : '';
  return { tone, text: `${event.message}${cause}` };
}

/** A SUCCEEDED execution that ended without any change (skipped, stood down, denied, timed out). */
function noChangeOutcome(event: WorldEvent, world: World): string | null {
  if (event.detail.status !== 'SUCCEEDED' || typeof event.detail.executionArn !== 'string') return null;
  try {
    const output = JSON.parse(world.stepFunctions.describe(event.detail.executionArn).output ?? '{}') as {
      outcome?: unknown;
    };
    const outcome = output.outcome;
    return typeof outcome === 'string' && NO_CHANGE_REASONS.some((reason) => reason === outcome)
      ? outcome.replace(/-/g, ' ')
      : null;
  } catch {
    return null;
  }
}
