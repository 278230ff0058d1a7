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
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
let world: World;

const client = <T>(Client: new (config: object) => T, region: string): T =>
  worldClient(world, Client, region);

/** Returns the error a call rejects with (fails the test when it resolves). */
async function failure(call: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  world = await startWorld({ plan, scale: 50, schedule: false, alarmTrigger: false });
});
afterAll(async () => {
  await world?.close();
});

describe('RDS (awsQuery)', () => {
  it('describes the seeded cross-region replica with its source ARN', async () => {
    // Prepare
    const rds = client(RDSClient, plan.regions.dr);

    // Act
    const { DBInstances } = await rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'shop-orders-replica' }),
    );

    // Assess
    expect(DBInstances).toHaveLength(1);
    expect(DBInstances?.[0]).toMatchObject({
      DBInstanceIdentifier: 'shop-orders-replica',
      DBInstanceStatus: 'available',
      Engine: 'mysql',
      ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:111111111111:db:shop-orders',
    });
    expect(DBInstances?.[0]?.InstanceCreateTime).toBeInstanceOf(Date);
  });

  it('lists the primary with its replica in the primary region only', async () => {
    // Act
    const { DBInstances } = await client(RDSClient, plan.regions.primary).send(
      new DescribeDBInstancesCommand({}),
    );

    // Assess
    expect(DBInstances?.map((i) => i.DBInstanceIdentifier).sort()).toEqual(['shop-catalog', 'shop-orders']);
    expect(
      DBInstances?.find((i) => i.DBInstanceIdentifier === 'shop-orders')?.ReadReplicaDBInstanceIdentifiers,
    ).toEqual(['arn:aws:rds:us-west-2:111111111111:db:shop-orders-replica']);
  });

  it('answers an unknown instance with DBInstanceNotFoundFault (404)', async () => {
    // Act
    const error = await failure(
      client(RDSClient, plan.regions.dr).send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' }),
      ),
    );

    // Assess
    expect(error.name).toBe('DBInstanceNotFoundFault');
    expect(error.$metadata?.httpStatusCode).toBe(404);
  });

  it('refuses to promote an instance that is not a replica with InvalidDBInstanceStateFault', async () => {
    // Act
    const error = await failure(
      client(RDSClient, plan.regions.primary).send(
        new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'shop-orders' }),
      ),
    );

    // Assess
    expect(error.name).toBe('InvalidDBInstanceStateFault');
  });

  it('answers an unknown action with InvalidAction in the awsQuery error shape', async () => {
    // Act
    const response = await fetch(world.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIATEST/20260101/us-west-2/rds/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: 'Action=RebootEverything&Version=2014-10-31',
    });
    const text = await response.text();

    // Assess
    expect(response.status).toBe(400);
    expect(text).toContain('<Code>InvalidAction</Code>');
    expect(text).toContain('<Type>Sender</Type>');
  });
});

describe('ECS (awsJson1_1)', () => {
  it('shows the pilot-light service at desired 0 and a missing service as a failure', async () => {
    // Act
    const { services, failures } = await client(ECSClient, plan.regions.dr).send(
      new DescribeServicesCommand({ cluster: 'shop-dr', services: ['shop-web', 'shop-nope'] }),
    );

    // Assess
    expect(services?.[0]).toMatchObject({
      serviceName: 'shop-web',
      desiredCount: 0,
      runningCount: 0,
      status: 'ACTIVE',
    });
    expect(services?.[0]?.deployments?.[0]?.rolloutState).toBe('COMPLETED');
    expect(failures).toEqual([
      { arn: 'arn:aws:ecs:us-west-2:111111111111:service/shop-dr/shop-nope', reason: 'MISSING' },
    ]);
  });

  it('lists and describes the running primary tasks', async () => {
    // Prepare
    const ecs = client(ECSClient, plan.regions.primary);

    // Act
    const { taskArns } = await ecs.send(new ListTasksCommand({ cluster: 'shop', serviceName: 'shop-api' }));
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: 'shop', tasks: taskArns }));

    // Assess
    expect(taskArns).toHaveLength(2);
    expect(tasks?.every((t) => t.lastStatus === 'RUNNING' && t.healthStatus === 'HEALTHY')).toBe(true);
  });

  it('answers unknown clusters and services with their modelled exceptions', async () => {
    // Prepare
    const ecs = client(ECSClient, plan.regions.dr);

    // Act
    const cluster = await failure(
      ecs.send(new DescribeServicesCommand({ cluster: 'nope', services: ['x'] })),
    );
    const service = await failure(
      ecs.send(new UpdateServiceCommand({ cluster: 'shop-dr', service: 'nope', desiredCount: 1 })),
    );

    // Assess
    expect(cluster.name).toBe('ClusterNotFoundException');
    expect(service.name).toBe('ServiceNotFoundException');
  });

  it('answers an unknown target with UnknownOperationException', async () => {
    // Act
    const response = await fetch(world.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.Explode',
      },
      body: '{}',
    });

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });
});

describe('Route 53 (restXml)', () => {
  it('lists the plan record as two failover records, PRIMARY on the primary target', async () => {
    // Act
    const { ResourceRecordSets } = await client(Route53Client, 'us-east-1').send(
      new ListResourceRecordSetsCommand({ HostedZoneId: plan.dns.hostedZoneId }),
    );

    // Assess
    const primary = ResourceRecordSets?.find(
      (r) => r.Name === 'www.shop.example.com.' && r.Failover === 'PRIMARY',
    );
    expect(primary).toMatchObject({
      Type: 'CNAME',
      TTL: 60,
      SetIdentifier: 'shop-primary',
      ResourceRecords: [{ Value: 'primary.shop.example.com' }],
    });
    expect(primary?.HealthCheckId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects a DELETE that does not match the current record with InvalidChangeBatch and changes nothing', async () => {
    // Prepare
    const route53 = client(Route53Client, 'us-east-1');
    const listed = await route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: plan.dns.hostedZoneId }),
    );
    const found = listed.ResourceRecordSets?.find((r) => r.Failover === 'PRIMARY');
    if (!found?.Name || !found.Type) throw new Error('no PRIMARY failover record');
    const primary = { ...found, Name: found.Name, Type: found.Type };

    // Act
    const error = await failure(
      route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: plan.dns.hostedZoneId,
          ChangeBatch: {
            Changes: [
              {
                Action: 'DELETE',
                ResourceRecordSet: { ...primary, ResourceRecords: [{ Value: 'elsewhere.example.com' }] },
              },
              {
                Action: 'CREATE',
                ResourceRecordSet: { ...primary, ResourceRecords: [{ Value: 'dr.shop.example.com' }] },
              },
            ],
          },
        }),
      ),
    );
    const { ResourceRecordSets } = await route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: plan.dns.hostedZoneId }),
    );

    // Assess
    expect(error.name).toBe('InvalidChangeBatch');
    expect(error.message).toContain('do not match');
    expect(ResourceRecordSets?.find((r) => r.Failover === 'PRIMARY')?.ResourceRecords).toEqual([
      { Value: 'primary.shop.example.com' },
    ]);
  });

  it('accepts a change as PENDING and reports it INSYNC within 60 simulated seconds', async () => {
    // Prepare
    const route53 = client(Route53Client, 'us-east-1');
    const { ChangeInfo } = await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: plan.dns.hostedZoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: 'test.shop.example.com',
                Type: 'CNAME',
                TTL: 60,
                ResourceRecords: [{ Value: 'x.example.com' }],
              },
            },
          ],
        },
      }),
    );

    // Act
    await world.runFor(61);
    const later = await route53.send(new GetChangeCommand({ Id: ChangeInfo?.Id }));

    // Assess
    expect(ChangeInfo?.Status).toBe('PENDING');
    expect(ChangeInfo?.Id).toMatch(/^\/change\/C/);
    expect(later.ChangeInfo?.Status).toBe('INSYNC');
  });

  it('rejects a weighted record next to the failover records of the same name with InvalidChangeBatch', async () => {
    // Act
    const error = await failure(
      client(Route53Client, 'us-east-1').send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: plan.dns.hostedZoneId,
          ChangeBatch: {
            Changes: [
              {
                Action: 'CREATE',
                ResourceRecordSet: {
                  Name: 'www.shop.example.com',
                  Type: 'CNAME',
                  TTL: 60,
                  SetIdentifier: 'dr',
                  Weight: 100,
                  ResourceRecords: [{ Value: 'dr.shop.example.com' }],
                },
              },
            ],
          },
        }),
      ),
    );

    // Assess
    expect(error.name).toBe('InvalidChangeBatch');
  });

  it('answers unknown zones and changes with NoSuchHostedZone and NoSuchChange', async () => {
    // Prepare
    const route53 = client(Route53Client, 'us-east-1');

    // Act
    const zone = await failure(route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZNOPE' })));
    const change = await failure(route53.send(new GetChangeCommand({ Id: 'CNOPE' })));

    // Assess
    expect(zone.name).toBe('NoSuchHostedZone');
    expect(change.name).toBe('NoSuchChange');
  });
});

describe('SNS (awsQuery)', () => {
  it('keeps published messages and rejects unknown topics with NotFoundException', async () => {
    // Prepare
    const sns = client(SNSClient, plan.regions.dr);
    const topicArn = `arn:aws:sns:${plan.regions.dr}:111111111111:${plan.notifications.topicName}`;

    // Act
    const { MessageId } = await sns.send(
      new PublishCommand({ TopicArn: topicArn, Subject: 'hello', Message: 'world' }),
    );
    const error = await failure(sns.send(new PublishCommand({ TopicArn: `${topicArn}-nope`, Message: 'x' })));

    // Assess
    expect(MessageId).toBeTruthy();
    expect(world.messages().map((m) => [m.subject, m.message])).toContainEqual(['hello', 'world']);
    expect(error.name).toBe('NotFoundException');
  });
});

describe('CloudWatch (the installed client protocol)', () => {
  it('stores custom metrics and returns their statistics', async () => {
    // Prepare
    const cloudWatch = client(CloudWatchClient, plan.regions.dr);
    const now = new Date();
    await cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: 'Drctl/Test',
        MetricData: [
          { MetricName: 'Probe', Value: 3, Timestamp: now, Dimensions: [{ Name: 'Plan', Value: 'shop' }] },
          { MetricName: 'Probe', Value: 5, Timestamp: now, Dimensions: [{ Name: 'Plan', Value: 'shop' }] },
        ],
      }),
    );

    // Act
    const { Datapoints } = await cloudWatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'Drctl/Test',
        MetricName: 'Probe',
        Dimensions: [{ Name: 'Plan', Value: 'shop' }],
        StartTime: new Date(now.getTime() - 300_000),
        EndTime: new Date(now.getTime() + 60_000),
        Period: 60,
        Statistics: ['Maximum', 'SampleCount', 'Average'],
      }),
    );

    // Assess
    expect(Datapoints).toHaveLength(1);
    expect(Datapoints?.[0]).toMatchObject({ Maximum: 5, SampleCount: 2, Average: 4 });
    expect(Datapoints?.[0]?.Timestamp).toBeInstanceOf(Date);
  });

  it('rejects the reserved AWS/ namespace with InvalidParameterValueException', async () => {
    // Act
    const error = await failure(
      client(CloudWatchClient, plan.regions.dr).send(
        new PutMetricDataCommand({
          Namespace: 'AWS/RDS',
          MetricData: [{ MetricName: 'ReplicaLag', Value: 0 }],
        }),
      ),
    );

    // Assess
    expect(error.name).toBe('InvalidParameterValueException');
  });

  it('describes the failover alarm on the primary health check', async () => {
    // Act
    const { MetricAlarms } = await client(CloudWatchClient, 'us-east-1').send(new DescribeAlarmsCommand({}));

    // Assess
    expect(MetricAlarms?.[0]).toMatchObject({
      AlarmName: world.detection.alarmName,
      Namespace: 'AWS/Route53',
      MetricName: 'HealthCheckStatus',
      ComparisonOperator: 'LessThanThreshold',
    });
  });
});

describe('Step Functions (awsJson1_0)', () => {
  it('answers unknown state machines and executions with their modelled exceptions', async () => {
    // Prepare
    const sfn = client(SFNClient, plan.regions.dr);
    const machine = world.stepFunctions.stateMachineArn;

    // Act
    const noMachine = await failure(
      sfn.send(new StartExecutionCommand({ stateMachineArn: `${machine}-nope` })),
    );
    const noExecution = await failure(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: `${machine.replace(':stateMachine:', ':execution:')}:nope`,
        }),
      ),
    );

    // Assess
    expect(noMachine.name).toBe('StateMachineDoesNotExist');
    expect(noExecution.name).toBe('ExecutionDoesNotExist');
  });
});
