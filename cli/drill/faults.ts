import type { ServiceName, World } from '../../local/index.ts';
import { InvalidInputError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';

/**
 * The faults `drctl drill --fault NAME[=VALUE]` can add, on top of the primary-region outage
 * every failover drill injects. Each maps to the world's fault API. `before` faults are set
 * while the primary still serves (so that monitoring sees them: a replica-lag spike must be
 * observed to stop the failover); `at-outage` faults start with the outage.
 */
export interface FaultSpec {
  name: string;
  value: string;
  help: string;
  phase: 'before' | 'at-outage';
  /** Parses VALUE (undefined when absent) and returns the call that injects it. */
  prepare(value: string | undefined, plan: Plan): (world: World) => void;
}

const SERVICES: readonly ServiceName[] = ['rds', 'ecs', 'sns', 'route53', 'cloudwatch', 'sfn'];

function fail(name: string, message: string): never {
  throw new InvalidInputError(`--fault ${name}: ${message}`, 'fault');
}

function serviceAndNumber(
  name: string,
  value: string | undefined,
  what: string,
  fallback: number | undefined,
  valid: (n: number) => boolean,
): [ServiceName, number] {
  if (value === undefined)
    fail(name, `give a service: ${name}=SERVICE[:${what}] (services: ${SERVICES.join(', ')})`);
  const [service, number] = value.split(':');
  if (!SERVICES.includes(service as ServiceName)) {
    fail(name, `unknown service "${service}"; known: ${SERVICES.join(', ')}`);
  }
  const parsed = number === undefined ? fallback : Number(number);
  if (parsed === undefined || !Number.isFinite(parsed) || !valid(parsed)) {
    fail(name, `invalid ${what} "${number ?? ''}"`);
  }
  return [service as ServiceName, parsed];
}

function positive(name: string, text: string | undefined, fallback: number, what: string): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) fail(name, `invalid ${what} "${text}": expected a number > 0`);
  return value;
}

export const FAULTS: readonly FaultSpec[] = [
  {
    name: 'tasks-fail-to-start',
    value: '[=SERVICE_ID]',
    help: 'DR ECS tasks (of one plan service, or all) stop before running (CannotPullContainerError)',
    phase: 'at-outage',
    prepare: (value, plan) => {
      if (value !== undefined && !plan.services.some((s) => s.id === value)) {
        fail(
          'tasks-fail-to-start',
          `no service "${value}" in the plan; known: ${plan.services.map((s) => s.id).join(', ')}`,
        );
      }
      return (world) => world.faults.tasksFailToStart(value === undefined ? {} : { serviceId: value });
    },
  },
  {
    name: 'throttle',
    value: '=SERVICE[:RATE]',
    help: "a share of the service's calls are throttled (RATE 0..1, default 0.3)",
    phase: 'at-outage',
    prepare: (value) => {
      const [service, rate] = serviceAndNumber('throttle', value, 'RATE', 0.3, (n) => n > 0 && n <= 1);
      return (world) => world.faults.throttle(service, rate);
    },
  },
  {
    name: 'server-errors',
    value: '=SERVICE[:RATE]',
    help: "a share of the service's calls fail with 5xx (RATE 0..1, default 0.2)",
    phase: 'at-outage',
    prepare: (value) => {
      const [service, rate] = serviceAndNumber('server-errors', value, 'RATE', 0.2, (n) => n > 0 && n <= 1);
      return (world) => world.faults.serverErrors(service, rate);
    },
  },
  {
    name: 'latency',
    value: '=SERVICE[:MS]',
    help: 'every call to the service takes MS more simulated milliseconds (default 2000)',
    phase: 'at-outage',
    prepare: (value) => {
      const [service, ms] = serviceAndNumber('latency', value, 'MS', 2_000, (n) => n > 0);
      return (world) => world.faults.latency(service, ms);
    },
  },
  {
    name: 'replica-lag-spike',
    value: '[=SECONDS[:DURATION]]',
    help: 'replication lag jumps to SECONDS (default 300) for DURATION s (default 1800) before the outage',
    phase: 'before',
    prepare: (value) => {
      const [lag, duration] = (value ?? '').split(':');
      const lagSeconds = positive('replica-lag-spike', lag, 300, 'lag');
      const durationSeconds = positive('replica-lag-spike', duration, 1_800, 'duration');
      return (world) => world.faults.replicaLagSpike(lagSeconds, durationSeconds);
    },
  },
  {
    name: 'reject-dns-change',
    value: '[=COUNT]',
    help: 'the next COUNT Route 53 change batches (default 1) are rejected (InvalidChangeBatch)',
    phase: 'at-outage',
    prepare: (value) => {
      const count = positive('reject-dns-change', value, 1, 'count');
      if (!Number.isInteger(count))
        fail('reject-dns-change', `invalid count "${value}": expected a whole number`);
      return (world) => world.faults.rejectDnsChanges(count);
    },
  },
  {
    name: 'db-backing-up',
    value: '=IDENTIFIER[:SECONDS]',
    help: 'the DB instance is backing-up for SECONDS (default 600): promotion is refused meanwhile',
    phase: 'at-outage',
    prepare: (value, plan) => {
      if (!value) fail('db-backing-up', 'give the DB instance: db-backing-up=IDENTIFIER[:SECONDS]');
      const [identifier = '', seconds] = value.split(':');
      const known = plan.databases.flatMap((d) => [d.primary.identifier, d.replica.identifier]);
      if (!known.includes(identifier))
        fail('db-backing-up', `no DB instance "${identifier}" in the plan; known: ${known.join(', ')}`);
      const duration = positive('db-backing-up', seconds, 600, 'seconds');
      return (world) => world.faults.databaseBackingUp(identifier, duration);
    },
  },
  {
    name: 'route53-control-plane-outage',
    value: '[=SECONDS]',
    help: 'the Route 53 API (control plane, us-east-1) refuses every call, for SECONDS (default: the whole drill); DNS answers go on',
    phase: 'at-outage',
    prepare: (value) => {
      const seconds =
        value === undefined ? undefined : positive('route53-control-plane-outage', value, 1, 'seconds');
      return (world) =>
        world.faults.route53ControlPlaneOutage(seconds === undefined ? {} : { durationSeconds: seconds });
    },
  },
  {
    name: 'duplicate-alarm-events',
    value: '[=COUNT]',
    help: 'EventBridge delivers the next COUNT alarm events (default 1) twice (at-least-once delivery)',
    phase: 'at-outage',
    prepare: (value) => {
      const count = positive('duplicate-alarm-events', value, 1, 'count');
      if (!Number.isInteger(count))
        fail('duplicate-alarm-events', `invalid count "${value}": expected a whole number`);
      return (world) => world.faults.duplicateAlarmEvents(count);
    },
  },
  {
    name: 'primary-returns',
    value: '[=AFTER_SECONDS]',
    help: 'the primary region comes back AFTER_SECONDS after the outage (default 600)',
    phase: 'at-outage',
    prepare: (value) => {
      const after = positive('primary-returns', value, 600, 'seconds');
      return (world) => {
        // A run that ends (and closes the world) before then never sees the region back: the
        // wait is cancelled, which is not an error of the drill.
        world.runFor(after).then(
          () => world.faults.regionRecovers(),
          () => {},
        );
      };
    },
  },
];

export interface ChosenFault {
  spec: FaultSpec;
  text: string;
  inject: (world: World) => void;
}

/** Parses the `--fault` values; an unknown name is an error listing the known ones. */
export function parseFaults(texts: readonly string[], plan: Plan): ChosenFault[] {
  return texts.map((text) => {
    const equals = text.indexOf('=');
    const name = equals < 0 ? text : text.slice(0, equals);
    const value = equals < 0 ? undefined : text.slice(equals + 1);
    const spec = FAULTS.find((f) => f.name === name);
    if (!spec) {
      throw new InvalidInputError(
        `--fault: no fault "${name}"; known faults: ${FAULTS.map((f) => f.name).join(', ')}`,
        'fault',
      );
    }
    return { spec, text, inject: spec.prepare(value, plan) };
  });
}

/** The fault list for --help. */
export function faultHelp(): string {
  const width = Math.max(...FAULTS.map((f) => f.name.length + f.value.length));
  return FAULTS.map((f) => `  ${(f.name + f.value).padEnd(width)}  ${f.help}`).join('\n');
}
