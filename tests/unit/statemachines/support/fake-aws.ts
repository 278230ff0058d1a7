import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  type Task,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  DescribeDBParametersCommand,
  ModifyDBParameterGroupCommand,
  PromoteReadReplicaCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEventType,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DescribeParametersCommand, GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type { Plan } from '../../../../plan/schema.ts';
import { currentRun } from './run-events.ts';

/**
 * A small, stateful stand-in for the AWS APIs the five functions call, built on
 * aws-sdk-client-mock. It is not the local world (tests/integration covers that): it only keeps
 * enough state for the state machine to make progress — a promotion finishes after a few
 * describes, tasks become healthy after a few polls, a DNS change goes INSYNC after one GetChange.
 */
export interface FakeAwsOptions {
  /** Last active ReplicaLag (seconds) per replica identifier; null means no active datapoint. */
  lagSeconds?: Record<string, number | null>;
  /** Describe calls after PromoteReadReplica until the instance is standalone and available. */
  promotionPolls?: number;
  /** Status polls until started tasks are running and healthy. */
  taskStartPolls?: number;
  /** Throttle the first N calls of the named commands. */
  throttleFirst?: Partial<Record<string, number>>;
  /** Services (by `cluster/service`) whose tasks stop before they run, with the reason. */
  tasksFailToStart?: Record<string, string>;
  /** The traffic switch is refused: Route 53 rejects every change batch; the gate write is denied. */
  switchFails?: boolean;
  /** PromoteReadReplica fails with this error for the named replica. */
  promotionError?: Record<string, Error>;
  /** Other executions of the state machine that ListExecutions returns (the run lock reads them). */
  otherExecutions?: {
    name: string;
    status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
    secondsAgo: number;
    input?: unknown;
  }[];
  /** Gate strategy: DescribeAlarms calls after the gate write until the gate alarm is in ALARM. */
  gateAlarmPolls?: number;
  /** The primary region's APIs refuse connections (fencing stays pending). */
  primaryDown?: boolean;
  /** A decision written to the run's parameter, visible after this many looks (default 0). */
  decision?: { document: Record<string, unknown>; afterChecks?: number };
}

const connectionRefused = () =>
  Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error', code: 'ECONNREFUSED', $metadata: {} });

interface FakeInstance {
  identifier: string;
  status: string;
  source: string | undefined;
  describesUntilAvailable: number;
}

interface FakeService {
  cluster: string;
  service: string;
  desired: number;
  running: number;
  pollsUntilHealthy: number;
  stopped: Task[];
}

export const MUTATING_COMMANDS = [
  'PromoteReadReplicaCommand',
  'UpdateServiceCommand',
  'ChangeResourceRecordSetsCommand',
  'CloseGate',
  'FenceService',
  'FenceDatabase',
  'PublishCommand',
] as const;

const throttling = (command: string) =>
  Object.assign(new Error(`Rate exceeded (${command})`), {
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });

export class FakeAws {
  readonly instances = new Map<string, FakeInstance>();
  readonly services = new Map<string, FakeService>();
  recordValue: string;
  /** The gate alarm's state (gate strategy) and the describes left until a written 0 turns it ALARM. */
  gateState: 'OK' | 'ALARM' = 'OK';
  private gateDescribesLeft: number | undefined;
  /** The old primary: its services' desired counts and its databases' read-only parameter. */
  readonly primaryServices = new Map<string, number>();
  readonly primaryReadOnly = new Map<string, boolean>();
  private decisionChecks = 0;
  readonly published: { Subject?: string; Message?: string }[] = [];
  readonly calls: { command: string; input: unknown }[] = [];
  readonly stubs: { restore(): void }[] = [];
  private readonly throttleLeft: Map<string, number>;
  private changeCounter = 0;
  private readonly changes = new Map<string, number>();

  constructor(
    private readonly plan: Plan,
    readonly options: FakeAwsOptions = {},
  ) {
    for (const db of plan.databases) {
      this.instances.set(db.replica.identifier, {
        identifier: db.replica.identifier,
        status: 'available',
        source: `arn:aws:rds:${db.primary.region}:111111111111:db:${db.primary.identifier}`,
        describesUntilAvailable: 0,
      });
    }
    for (const svc of plan.services) {
      this.services.set(`${svc.cluster}/${svc.service}`, {
        cluster: svc.cluster,
        service: svc.service,
        desired: 0,
        running: 0,
        pollsUntilHealthy: 0,
        stopped: [],
      });
    }
    this.recordValue = plan.application.primary.target;
    for (const svc of plan.services) {
      this.primaryServices.set(`${svc.primary.cluster}/${svc.primary.service}`, svc.primary.desiredCount);
    }
    for (const db of plan.databases) this.primaryReadOnly.set(`${db.primary.identifier}-params`, false);
    this.throttleLeft = new Map(Object.entries(options.throttleFirst ?? {}) as [string, number][]);
  }

  /** Commands that change something, in call order. */
  mutatingCalls(): string[] {
    return this.calls
      .map((call) => call.command)
      .filter((c) => (MUTATING_COMMANDS as readonly string[]).includes(c));
  }

  count(command: string): number {
    return this.calls.filter((call) => call.command === command).length;
  }

  install(): this {
    this.stubs.push(
      this.rds(),
      this.ecs(),
      this.route53(),
      this.cloudWatch(),
      this.sns(),
      this.sfn(),
      this.ssm(),
    );
    return this;
  }

  restore(): void {
    for (const stub of this.stubs) stub.restore();
  }

  private record(command: string, input: unknown): void {
    this.calls.push({ command, input });
    const left = this.throttleLeft.get(command) ?? 0;
    if (left > 0) {
      this.throttleLeft.set(command, left - 1);
      throw throttling(command);
    }
  }

  private rds() {
    const stub = mockClient(RDSClient);
    stub.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier?: string }) => {
      this.record('DescribeDBInstancesCommand', input);
      const id = input.DBInstanceIdentifier ?? '';
      const primary = this.plan.databases.find((db) => db.primary.identifier === id);
      if (primary) {
        if (this.options.primaryDown) throw connectionRefused();
        return {
          DBInstances: [
            {
              DBInstanceIdentifier: id,
              DBInstanceStatus: 'available',
              DBParameterGroups: [{ DBParameterGroupName: `${id}-params`, ParameterApplyStatus: 'in-sync' }],
            },
          ],
        };
      }
      const instance = this.instances.get(id);
      if (!instance) {
        throw new DBInstanceNotFoundFault({ message: `DBInstance ${id} not found.`, $metadata: {} });
      }
      if (instance.status !== 'available' && instance.describesUntilAvailable-- <= 0) {
        instance.status = 'available';
      }
      return {
        DBInstances: [
          {
            DBInstanceIdentifier: id,
            DBInstanceStatus: instance.status,
            ...(instance.source ? { ReadReplicaSourceDBInstanceIdentifier: instance.source } : {}),
          },
        ],
      };
    });
    stub.on(PromoteReadReplicaCommand).callsFake((input: { DBInstanceIdentifier?: string }) => {
      this.record('PromoteReadReplicaCommand', input);
      const id = input.DBInstanceIdentifier ?? '';
      const failure = this.options.promotionError?.[id];
      if (failure) throw failure;
      const instance = this.instances.get(id);
      if (!instance)
        throw new DBInstanceNotFoundFault({ message: `DBInstance ${id} not found.`, $metadata: {} });
      instance.source = undefined;
      instance.status = 'modifying';
      instance.describesUntilAvailable = this.options.promotionPolls ?? 2;
      return { DBInstance: { DBInstanceIdentifier: id, DBInstanceStatus: 'modifying' } };
    });
    stub.on(DescribeDBParametersCommand).callsFake((input: { DBParameterGroupName?: string }) => {
      this.record('DescribeDBParametersCommand', input);
      if (this.options.primaryDown) throw connectionRefused();
      const readOnly = this.primaryReadOnly.get(input.DBParameterGroupName ?? '');
      return {
        Parameters: readOnly ? [{ ParameterName: 'read_only', ParameterValue: '1', Source: 'user' }] : [],
      };
    });
    stub.on(ModifyDBParameterGroupCommand).callsFake((input: { DBParameterGroupName?: string }) => {
      this.record('FenceDatabase', input);
      if (this.options.primaryDown) throw connectionRefused();
      this.primaryReadOnly.set(input.DBParameterGroupName ?? '', true);
      return { DBParameterGroupName: input.DBParameterGroupName };
    });
    return stub;
  }

  private ecs() {
    const stub = mockClient(ECSClient);
    const find = (cluster?: string, service?: string) => this.services.get(`${cluster}/${service}`);
    stub.on(DescribeServicesCommand).callsFake((input: { cluster?: string; services?: string[] }) => {
      this.record('DescribeServicesCommand', input);
      const primary = this.primaryServices.get(`${input.cluster}/${input.services?.[0]}`);
      if (primary !== undefined) {
        if (this.options.primaryDown) throw connectionRefused();
        const name = input.services?.[0];
        return {
          services: [{ serviceName: name, status: 'ACTIVE', desiredCount: primary, runningCount: primary }],
          failures: [],
        };
      }
      const services = (input.services ?? []).map((name) => {
        const svc = find(input.cluster, name);
        if (!svc) return undefined;
        if (svc.running < svc.desired && !this.failsToStart(svc)) {
          if (svc.pollsUntilHealthy-- <= 0) svc.running = svc.desired;
        }
        return {
          serviceName: svc.service,
          clusterArn: `arn:aws:ecs:us-west-2:111111111111:cluster/${svc.cluster}`,
          status: 'ACTIVE',
          desiredCount: svc.desired,
          runningCount: svc.running,
          pendingCount: svc.desired - svc.running,
          deployments: [
            {
              status: 'PRIMARY',
              rolloutState: 'COMPLETED',
              desiredCount: svc.desired,
              runningCount: svc.running,
              pendingCount: svc.desired - svc.running,
              createdAt: new Date('2026-01-01T00:00:00Z'),
            },
          ],
        };
      });
      return {
        services: services.filter((svc) => svc !== undefined),
        failures: (input.services ?? [])
          .filter((name) => !find(input.cluster, name))
          .map((name) => ({ arn: name, reason: 'MISSING' })),
      };
    });
    stub
      .on(UpdateServiceCommand)
      .callsFake((input: { cluster?: string; service?: string; desiredCount?: number }) => {
        const primaryKey = `${input.cluster}/${input.service}`;
        if (this.primaryServices.has(primaryKey)) {
          this.record('FenceService', input);
          if (this.options.primaryDown) throw connectionRefused();
          this.primaryServices.set(primaryKey, input.desiredCount ?? 0);
          return {
            service: { serviceName: input.service, desiredCount: input.desiredCount, status: 'ACTIVE' },
          };
        }
        this.record('UpdateServiceCommand', input);
        const svc = find(input.cluster, input.service);
        if (!svc) throw Object.assign(new Error('Service not found.'), { name: 'ServiceNotFoundException' });
        svc.desired = input.desiredCount ?? svc.desired;
        svc.pollsUntilHealthy = this.options.taskStartPolls ?? 1;
        const reason = this.failsToStart(svc);
        if (reason) {
          svc.stopped = Array.from({ length: svc.desired }, (_, i) => ({
            taskArn: `arn:aws:ecs:us-west-2:111111111111:task/${svc.cluster}/failed${i}`,
            lastStatus: 'STOPPED',
            desiredStatus: 'STOPPED',
            stopCode: 'TaskFailedToStart',
            stoppedReason: reason,
            createdAt: new Date(Date.now() + 1_000),
            stoppedAt: new Date(Date.now() + 2_000),
            group: `service:${svc.service}`,
          }));
        }
        return { service: { serviceName: svc.service, desiredCount: svc.desired, status: 'ACTIVE' } };
      });
    stub
      .on(ListTasksCommand)
      .callsFake((input: { cluster?: string; serviceName?: string; desiredStatus?: string }) => {
        this.record('ListTasksCommand', input);
        const svc = find(input.cluster, input.serviceName);
        if (!svc) return { taskArns: [] };
        if (input.desiredStatus === 'STOPPED') return { taskArns: svc.stopped.map((task) => task.taskArn) };
        return {
          taskArns: Array.from(
            { length: svc.running },
            (_, i) => `arn:aws:ecs:us-west-2:111111111111:task/${svc.cluster}/${svc.service}-${i}`,
          ),
        };
      });
    stub.on(DescribeTasksCommand).callsFake((input: { cluster?: string; tasks?: string[] }) => {
      this.record('DescribeTasksCommand', input);
      const stopped = [...this.services.values()].flatMap((svc) => svc.stopped);
      return {
        tasks: (input.tasks ?? []).map(
          (arn) =>
            stopped.find((task) => task.taskArn === arn) ?? {
              taskArn: arn,
              lastStatus: 'RUNNING',
              desiredStatus: 'RUNNING',
              healthStatus: 'HEALTHY',
              createdAt: new Date(),
              startedAt: new Date(),
            },
        ),
        failures: [],
      };
    });
    return stub;
  }

  private failsToStart(svc: FakeService): string | undefined {
    return this.options.tasksFailToStart?.[`${svc.cluster}/${svc.service}`];
  }

  private route53() {
    const stub = mockClient(Route53Client);
    const dns = this.plan.dns;
    stub.on(ListResourceRecordSetsCommand).callsFake((input: unknown) => {
      this.record('ListResourceRecordSetsCommand', input);
      return {
        ResourceRecordSets: [
          {
            Name: `${dns.zoneName}.`,
            Type: 'SOA',
            TTL: 900,
            ResourceRecords: [{ Value: 'ns.example.com.' }],
          },
          {
            Name: `${dns.record}.`,
            Type: 'CNAME',
            TTL: dns.ttl,
            ResourceRecords: [{ Value: this.recordValue }],
          },
        ],
        IsTruncated: false,
      };
    });
    stub.on(ChangeResourceRecordSetsCommand).callsFake(
      (input: {
        ChangeBatch?: {
          Changes?: { Action?: string; ResourceRecordSet?: { ResourceRecords?: { Value?: string }[] } }[];
        };
      }) => {
        this.record('ChangeResourceRecordSetsCommand', input);
        if (this.options.switchFails) {
          throw new InvalidChangeBatch({
            message: 'Tried to change a record that is locked by a test fault',
            $metadata: { httpStatusCode: 400 },
          });
        }
        const change = input.ChangeBatch?.Changes?.[0];
        const value = change?.ResourceRecordSet?.ResourceRecords?.[0]?.Value;
        if (change?.Action !== 'UPSERT' || !value)
          throw new Error('fake Route 53 expects one UPSERT with a value');
        this.recordValue = value;
        const id = `C${++this.changeCounter}`;
        this.changes.set(id, 1);
        return { ChangeInfo: { Id: `/change/${id}`, Status: 'PENDING', SubmittedAt: new Date() } };
      },
    );
    stub.on(GetChangeCommand).callsFake((input: { Id?: string }) => {
      this.record('GetChangeCommand', input);
      const id = (input.Id ?? '').replace('/change/', '');
      const left = this.changes.get(id) ?? 0;
      this.changes.set(id, left - 1);
      return {
        ChangeInfo: {
          Id: `/change/${id}`,
          Status: left <= 0 ? 'INSYNC' : 'PENDING',
          SubmittedAt: new Date(),
        },
      };
    });
    return stub;
  }

  private cloudWatch() {
    const stub = mockClient(CloudWatchClient);
    stub.on(GetMetricStatisticsCommand).callsFake((input: { Dimensions?: { Value?: string }[] }) => {
      this.record('GetMetricStatisticsCommand', input);
      const id = input.Dimensions?.[0]?.Value ?? '';
      const lag =
        this.options.lagSeconds?.[id] ??
        (this.options.lagSeconds && id in this.options.lagSeconds ? null : 2);
      const now = Date.now();
      // The replica's source is gone: the newest datapoints read -1 ("replication not active").
      const datapoints = [
        ...(lag === null ? [] : [{ Timestamp: new Date(now - 180_000), Maximum: lag, Unit: 'Seconds' }]),
        { Timestamp: new Date(now - 120_000), Maximum: -1, Unit: 'Seconds' },
        { Timestamp: new Date(now - 60_000), Maximum: -1, Unit: 'Seconds' },
      ];
      return { Label: 'ReplicaLag', Datapoints: datapoints };
    });
    stub
      .on(PutMetricDataCommand)
      .callsFake((input: { MetricData?: { MetricName?: string; Value?: number }[] }) => {
        const gate = input.MetricData?.some((d) => d.MetricName === 'PrimaryTrafficGate');
        this.record(gate ? 'CloseGate' : 'PutMetricDataCommand', input);
        if (gate && this.options.switchFails) {
          throw Object.assign(new Error('not authorized to perform: cloudwatch:PutMetricData (test fault)'), {
            name: 'AccessDenied',
            $fault: 'client',
            $metadata: { httpStatusCode: 403 },
          });
        }
        if (gate && this.gateState === 'OK') this.gateDescribesLeft ??= this.options.gateAlarmPolls ?? 1;
        return {};
      });
    stub.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames?: string[] }) => {
      this.record('DescribeAlarmsCommand', input);
      if (this.gateDescribesLeft !== undefined && this.gateDescribesLeft-- <= 0) this.gateState = 'ALARM';
      return {
        MetricAlarms: (input.AlarmNames ?? []).map((name) => ({
          AlarmName: name,
          StateValue: this.gateState,
          StateUpdatedTimestamp: new Date(),
        })),
      };
    });
    return stub;
  }

  private ssm() {
    const stub = mockClient(SSMClient);
    const visible = () =>
      this.options.decision !== undefined && this.decisionChecks > (this.options.decision.afterChecks ?? 0);
    stub.on(GetParameterCommand).callsFake((input: { Name?: string }) => {
      this.record('GetParameterCommand', input);
      this.decisionChecks++;
      if (!visible())
        throw Object.assign(new Error('parameter not found'), { name: 'ParameterNotFound', $metadata: {} });
      return { Parameter: { Name: input.Name, Value: JSON.stringify(this.options.decision?.document) } };
    });
    stub.on(DescribeParametersCommand).callsFake((input: { ParameterFilters?: { Values?: string[] }[] }) => {
      this.record('DescribeParametersCommand', input);
      const name = input.ParameterFilters?.[0]?.Values?.[0];
      return {
        Parameters: visible()
          ? [
              {
                Name: name,
                LastModifiedUser: 'arn:aws:iam::111111111111:user/alice',
                LastModifiedDate: new Date(),
              },
            ]
          : [],
      };
    });
    return stub;
  }

  /** True when every database of the old primary is read only and every service at 0. */
  primaryFenced(): boolean {
    return (
      [...this.primaryServices.values()].every((n) => n === 0) &&
      [...this.primaryReadOnly.values()].every(Boolean)
    );
  }

  private sfn() {
    const stub = mockClient(SFNClient);
    const machine = 'arn:aws:states:us-west-2:111111111111:stateMachine:shop-failover';
    const arnOf = (name: string) => `${machine.replace(':stateMachine:', ':execution:')}:${name}`;
    const others = this.options.otherExecutions ?? [];
    stub.on(ListExecutionsCommand).callsFake((input: { statusFilter?: string }) => {
      this.record('ListExecutionsCommand', input);
      return {
        executions: others
          .filter((run) => input.statusFilter === undefined || run.status === input.statusFilter)
          .map((run) => ({
            executionArn: arnOf(run.name),
            stateMachineArn: machine,
            name: run.name,
            status: run.status,
            startDate: new Date(Date.now() - run.secondsAgo * 1000),
          })),
      };
    });
    // The run's own history, as far as it has got (run-events.ts).
    stub.on(GetExecutionHistoryCommand).callsFake((input: { executionArn?: string }) => {
      this.record('GetExecutionHistoryCommand', input);
      return {
        events: currentRun.events.map((event, index) => ({
          id: index + 2,
          timestamp: new Date(),
          type: `${event.type}StateEntered` as HistoryEventType,
          stateEnteredEventDetails: { name: event.name },
        })),
      };
    });
    stub.on(DescribeExecutionCommand).callsFake((input: { executionArn?: string }) => {
      this.record('DescribeExecutionCommand', input);
      const run = others.find((r) => arnOf(r.name) === input.executionArn);
      return {
        executionArn: input.executionArn,
        status: run?.status,
        input: JSON.stringify(run?.input ?? { mode: 'failover' }),
      };
    });
    return stub;
  }

  private sns() {
    const stub = mockClient(SNSClient);
    stub.on(PublishCommand).callsFake((input: { Subject?: string; Message?: string }) => {
      this.record('PublishCommand', input);
      this.published.push({ Subject: input.Subject, Message: input.Message });
      return { MessageId: `m-${this.published.length}` };
    });
    return stub;
  }

  /** Where the public record's traffic goes: the gate's state, or the record's value. */
  trafficTo(): 'primary' | 'dr' {
    if (this.plan.dns.strategy === 'gate') return this.gateState === 'ALARM' ? 'dr' : 'primary';
    return this.recordValue === this.plan.application.dr.target ? 'dr' : 'primary';
  }

  /** Calls that would move traffic (a Route 53 change or a gate write). */
  switchCalls(): number {
    return this.count('ChangeResourceRecordSetsCommand') + this.count('CloseGate');
  }

  /** True when every DR service runs what the plan asks (the DR endpoint can serve). */
  drServing(): boolean {
    return this.plan.services.every((svc) => {
      const fake = this.services.get(`${svc.cluster}/${svc.service}`);
      return fake !== undefined && fake.running >= svc.drDesiredCount;
    });
  }
}
