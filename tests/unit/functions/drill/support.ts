import { CloudWatchClient, DescribeAlarmsCommand, type StateValue } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import {
  type DBInstance,
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  DescribeExecutionCommand,
  type ExecutionListItem,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { DrillPorts } from '../../../../functions/drill/ports.ts';
import type { DnsLookup } from '../../../../functions/shared/dns-lookup.ts';
import type { HttpProbe } from '../../../../functions/shared/http-probe.ts';
import { loadPlanFile } from '../../../../plan/load.ts';

export const plan = loadPlanFile(new URL('../../../../drctl.plan.yaml', import.meta.url).pathname);
export const NOW = new Date('2026-03-01T03:00:00.000Z');
export const EXECUTION = 'drill-2026-03-01';
export const MACHINES = {
  drill: 'arn:aws:states:us-west-2:111111111111:stateMachine:shop-drill',
  failover: 'arn:aws:states:us-west-2:111111111111:stateMachine:shop-failover',
};
export const SELF_ARN = `arn:aws:states:us-west-2:111111111111:execution:shop-drill:${EXECUTION}`;

export const rdsMock = mockClient(RDSClient);
export const cloudWatchMock = mockClient(CloudWatchClient);
export const ecsMock = mockClient(ECSClient);
export const sfnMock = mockClient(SFNClient);
export const lambdaMock = mockClient(LambdaClient);

export function resetMocks(): void {
  for (const mock of [rdsMock, cloudWatchMock, ecsMock, sfnMock, lambdaMock]) mock.reset();
}

export function ports(overrides: Partial<DrillPorts> = {}): DrillPorts {
  return {
    plan,
    rds: new RDSClient({ region: 'us-west-2' }),
    cloudWatch: new CloudWatchClient({ region: 'us-west-2' }),
    ecs: new ECSClient({ region: 'us-west-2' }),
    sfn: new SFNClient({ region: 'us-west-2' }),
    lambda: new LambdaClient({ region: 'us-west-2' }),
    primaryLambda: new LambdaClient({ region: 'us-east-1' }),
    machines: MACHINES,
    probe: async () => ({ outcome: 'response', status: 200 }),
    lookup: async () => ({ targets: ['primary.shop.example.com'] }),
    now: () => NOW,
    ...overrides,
  };
}

export const envelope = { correlationId: EXECUTION, executionStartTime: '2026-03-01T02:59:58.000Z' };

const primaryArn = (id: string) => `arn:aws:rds:us-east-1:111111111111:db:${id}`;

/** The plan's DR replicas as RDS reports them while all is well. */
export function replica(identifier: string, overrides: Partial<DBInstance> = {}): DBInstance {
  const db = plan.databases.find((d) => d.replica.identifier === identifier);
  return {
    DBInstanceIdentifier: identifier,
    DBInstanceArn: `arn:aws:rds:us-west-2:111111111111:db:${identifier}`,
    DBInstanceStatus: 'available',
    DBInstanceClass: 'db.t4g.medium',
    ReadReplicaSourceDBInstanceIdentifier: primaryArn(db?.primary.identifier ?? 'x'),
    BackupRetentionPeriod: 1,
    VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0123', Status: 'active' }],
    TagList: [],
    ...overrides,
  };
}

/** A drill copy as RDS reports it. */
export function copy(
  identifier: string,
  execution: string | null,
  overrides: Partial<DBInstance> = {},
): DBInstance {
  const source = identifier.replace(/-drill$/, '');
  return {
    DBInstanceIdentifier: identifier,
    DBInstanceArn: `arn:aws:rds:us-west-2:111111111111:db:${identifier}`,
    DBInstanceStatus: 'available',
    ReadReplicaSourceDBInstanceIdentifier: source,
    TagList: [
      { Key: 'drctl:plan', Value: 'shop' },
      ...(execution === null ? [] : [{ Key: 'drctl:drill', Value: execution }]),
    ],
    ...overrides,
  };
}

/** RDS answers DescribeDBInstances from this list, by identifier or in full. */
export function instances(list: DBInstance[]): void {
  rdsMock.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier?: string }) => {
    if (input.DBInstanceIdentifier === undefined) return { DBInstances: list };
    const found = list.find((i) => i.DBInstanceIdentifier === input.DBInstanceIdentifier);
    if (!found)
      throw new DBInstanceNotFoundFault({
        message: `DBInstance ${input.DBInstanceIdentifier} not found`,
        $metadata: {},
      });
    return { DBInstances: [found] };
  });
}

export const healthyReplicas = () => plan.databases.map((d) => replica(d.replica.identifier));

/** The gate alarms (public and drill) in the given states. */
export function alarms(states: { public?: StateValue; drill?: StateValue }): void {
  cloudWatchMock.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames?: string[] }) => {
    const name = input.AlarmNames?.[0];
    const state =
      name === 'shop-traffic-gate-closed'
        ? (states.public ?? 'OK')
        : name === 'shop-drill-gate-closed'
          ? (states.drill ?? 'OK')
          : undefined;
    return {
      MetricAlarms:
        state === undefined ? [] : [{ AlarmName: name, StateValue: state, StateUpdatedTimestamp: NOW }],
    };
  });
}

/** The DR services at these desired counts (default: the pilot light, 0). */
export function services(desired: Record<string, number> = {}): void {
  ecsMock.on(DescribeServicesCommand).callsFake((input: { services?: string[]; cluster?: string }) => ({
    services: (input.services ?? []).map((name) => ({
      serviceName: name,
      clusterArn: input.cluster,
      status: 'ACTIVE',
      desiredCount: desired[name] ?? 0,
      runningCount: desired[name] ?? 0,
    })),
  }));
}

/** Running executions per state machine ARN, with the input each was started with. */
export function running(
  byMachine: Partial<Record<'drill' | 'failover', (ExecutionListItem & { input?: string })[]>>,
): void {
  sfnMock.on(ListExecutionsCommand).callsFake((input: { stateMachineArn?: string }) => {
    const key = input.stateMachineArn === MACHINES.drill ? 'drill' : 'failover';
    return { executions: byMachine[key] ?? [] };
  });
  sfnMock.on(DescribeExecutionCommand).callsFake((input: { executionArn?: string }) => {
    const all = [...(byMachine.drill ?? []), ...(byMachine.failover ?? [])];
    const found = all.find((e) => e.executionArn === input.executionArn);
    return {
      executionArn: input.executionArn,
      input: found?.input ?? '{"mode":"failover"}',
      status: 'RUNNING',
    };
  });
}

export const execution = (machine: 'drill' | 'failover', name: string, startDate: Date, input?: object) => ({
  executionArn: `${MACHINES[machine].replace(':stateMachine:', ':execution:')}:${name}`,
  stateMachineArn: MACHINES[machine],
  name,
  status: 'RUNNING' as const,
  startDate,
  ...(input === undefined ? {} : { input: JSON.stringify(input) }),
});

/** A probe that answers each URL with the given status (default 200). */
export const probeAnswering =
  (status = 200): HttpProbe =>
  async () => ({ outcome: 'response', status });
export const lookupAnswering =
  (target: string): DnsLookup =>
  async () => ({ targets: [target] });
