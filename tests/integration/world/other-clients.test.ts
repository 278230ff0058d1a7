import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetFunctionConfigurationCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { cbor, dateToTag } from '@smithy/core/cbor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { referencePlan } from './support.ts';

const run = promisify(execFile);
const plan = referencePlan();
let world: World;

async function awsCliAvailable(): Promise<boolean> {
  try {
    await run('aws', ['--version'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
const hasAwsCli = await awsCliAvailable();
if (!hasAwsCli) console.warn('AWS CLI not on PATH: skipping the AWS CLI compatibility tests');

/** Runs the AWS CLI against the world; resolves with its exit code, stdout and stderr. */
async function aws(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, ...world.env, AWS_PAGER: '' };
  try {
    const { stdout, stderr } = await run(
      'aws',
      [...args, '--endpoint-url', world.endpoint, '--output', 'json'],
      { env, timeout: 20_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  world = await startWorld({ plan, scale: 20, schedule: false, alarmTrigger: false });
});
afterAll(async () => {
  await world?.close();
});

describe.skipIf(!hasAwsCli)('the AWS CLI with --endpoint-url', () => {
  it('describes the DR replica', async () => {
    // Act
    const result = await aws([
      'rds',
      'describe-db-instances',
      '--region',
      plan.regions.dr,
      '--db-instance-identifier',
      'shop-orders-replica',
    ]);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    const parsed = JSON.parse(result.stdout) as {
      DBInstances: { DBInstanceStatus: string; ReadReplicaSourceDBInstanceIdentifier: string }[];
    };
    expect(parsed.DBInstances[0]).toMatchObject({
      DBInstanceStatus: 'available',
      ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:111111111111:db:shop-orders',
    });
  });

  it('reports an unknown instance with the DBInstanceNotFound code', async () => {
    // Act
    const result = await aws([
      'rds',
      'describe-db-instances',
      '--region',
      plan.regions.dr,
      '--db-instance-identifier',
      'nope',
    ]);

    // Assess
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('DBInstanceNotFound');
  });

  it('lists the record sets with the zone apex first, as Route 53 sorts them', async () => {
    // Act
    const result = await aws([
      'route53',
      'list-resource-record-sets',
      '--region',
      'us-east-1',
      '--hosted-zone-id',
      plan.dns.hostedZoneId,
    ]);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    const names = (
      JSON.parse(result.stdout) as { ResourceRecordSets: { Name: string; Type: string }[] }
    ).ResourceRecordSets.map((r) => `${r.Name} ${r.Type}`);
    expect(names).toEqual([
      'shop.example.com. NS',
      'shop.example.com. SOA',
      'drill.shop.example.com. CNAME',
      'drill.shop.example.com. CNAME',
      'www.shop.example.com. CNAME',
      'www.shop.example.com. CNAME',
    ]);
  });

  it('describes the CloudWatch failover alarm', async () => {
    // Act
    const result = await aws(['cloudwatch', 'describe-alarms', '--region', 'us-east-1']);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(
      (JSON.parse(result.stdout) as { MetricAlarms: { AlarmName: string }[] }).MetricAlarms[0]?.AlarmName,
    ).toBe(world.detection.alarmName);
  });
});

describe.skipIf(!hasAwsCli)('what an operator tries first with the AWS CLI', () => {
  it('answers sts get-caller-identity with the world account and the signing key', async () => {
    // Act
    const result = await aws(['sts', 'get-caller-identity', '--region', plan.regions.dr]);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      UserId: world.env.AWS_ACCESS_KEY_ID,
      Account: '111111111111',
      Arn: `arn:aws:iam::111111111111:user/${world.env.AWS_ACCESS_KEY_ID}`,
    });
  });

  it('lists the orchestrator functions with their deployed timeouts', async () => {
    // Act
    const result = await aws(['lambda', 'list-functions', '--region', plan.regions.dr]);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    const functions = (
      JSON.parse(result.stdout) as { Functions: { FunctionName: string; Timeout: number }[] }
    ).Functions.map((fn) => `${fn.FunctionName} ${fn.Timeout}`);
    expect(functions).toEqual(
      expect.arrayContaining([
        'shop-health-monitor 60',
        'shop-promote-replica 30',
        'shop-fence-primary 60',
        'shop-approval 15',
        `shop-primary-probe ${plan.detection.probe.timeoutSeconds + 10}`,
      ]),
    );
  });

  it('invokes the health monitor by hand and returns its report', async () => {
    // Prepare
    const folder = mkdtempSync(join(tmpdir(), 'drctl-invoke-'));
    const out = join(folder, 'report.json');
    // fileb:// is raw bytes in AWS CLI v1 and v2 alike (v2 reads an inline payload as base64).
    writeFileSync(join(folder, 'event.json'), '{}');

    // Act
    const result = await aws([
      'lambda',
      'invoke',
      '--region',
      plan.regions.dr,
      '--function-name',
      'shop-health-monitor',
      '--payload',
      `fileb://${join(folder, 'event.json')}`,
      out,
    ]);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ StatusCode: 200 });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({
      plan: 'shop',
      primary: { state: 'healthy' },
    });
  });

  it('says which service it does not simulate instead of answering another service', async () => {
    // Act
    const ec2 = await aws(['ec2', 'describe-vpcs', '--region', plan.regions.dr]);
    const logs = await aws(['logs', 'describe-log-groups', '--region', plan.regions.dr]);

    // Assess
    expect(ec2.code).not.toBe(0);
    expect(ec2.stderr).toContain('InvalidAction');
    expect(ec2.stderr).toContain('does not simulate the ec2 API');
    expect(logs.stderr).toContain('does not simulate the service of x-amz-target Logs_20140328');
  });
});

describe('Lambda and Secrets Manager listings through the SDK', () => {
  const clientConfig = () => ({
    region: plan.regions.dr,
    endpoint: world.endpoint,
    credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' },
  });

  it('pages ListFunctions by MaxItems and NextMarker over every function', async () => {
    // Prepare
    const lambda = new LambdaClient(clientConfig());
    const names: string[] = [];
    let marker: string | undefined;

    // Act
    do {
      const page = await lambda.send(new ListFunctionsCommand({ MaxItems: 3, Marker: marker }));
      expect((page.Functions ?? []).length).toBeLessThanOrEqual(3);
      names.push(...(page.Functions ?? []).map((fn) => fn.FunctionName ?? ''));
      marker = page.NextMarker;
    } while (marker);

    // Assess
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['shop-health-monitor', 'shop-update-dns', 'shop-notify']));
  });

  it('refuses a MaxItems outside 1-10,000 and names the field', async () => {
    // Prepare
    const lambda = new LambdaClient(clientConfig());

    // Act
    const error = await lambda.send(new ListFunctionsCommand({ MaxItems: 0 })).catch((e: Error) => e);

    // Assess
    expect(error).toMatchObject({ name: 'InvalidParameterValueException' });
    expect((error as Error).message).toContain('maxItems');
  });

  it('reads one function configuration and 404s an unknown one', async () => {
    // Prepare
    const lambda = new LambdaClient(clientConfig());

    // Act
    const found = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'shop-notify' }));
    const missing = await lambda
      .send(new GetFunctionConfigurationCommand({ FunctionName: 'shop-nothing' }))
      .catch((e: Error) => e);

    // Assess
    expect(found).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], MemorySize: 256 });
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it("lists the region's secrets by name without their values", async () => {
    // Prepare
    const secrets = new SecretsManagerClient(clientConfig());

    // Act
    const listed = await secrets.send(new ListSecretsCommand({ MaxResults: 100 }));

    // Assess
    const names = (listed.SecretList ?? []).map((secret) => secret.Name);
    expect(names).toEqual(plan.databases.map((db) => `drctl/shop/${db.id}/canary`).sort());
    expect(JSON.stringify(listed)).not.toContain('password');
  });
});

describe('CloudWatch over Smithy RPC v2 CBOR (what newer AWS CLIs send)', () => {
  const post = (operation: string, body: unknown) =>
    fetch(`${world.endpoint}/service/GraniteServiceVersion20100801/operation/${operation}`, {
      method: 'POST',
      headers: {
        'smithy-protocol': 'rpc-v2-cbor',
        'content-type': 'application/cbor',
        accept: 'application/cbor',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIATEST/20260101/us-west-2/monitoring/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: Buffer.from(cbor.serialize(body)),
    });

  it('stores a datapoint and returns its statistics with a CBOR timestamp', async () => {
    // Prepare
    const at = new Date();
    await post('PutMetricData', {
      Namespace: 'Drctl/Cbor',
      MetricData: [{ MetricName: 'M', Value: 7, Timestamp: dateToTag(at) }],
    });

    // Act
    const response = await post('GetMetricStatistics', {
      Namespace: 'Drctl/Cbor',
      MetricName: 'M',
      StartTime: dateToTag(new Date(at.getTime() - 120_000)),
      EndTime: dateToTag(new Date(at.getTime() + 60_000)),
      Period: 60,
      Statistics: ['Maximum'],
    });
    const decoded = cbor.deserialize(new Uint8Array(await response.arrayBuffer())) as {
      Datapoints: { Maximum: number; Timestamp: { tag: number; value: number } }[];
    };

    // Assess
    expect(response.status).toBe(200);
    expect(decoded.Datapoints[0]?.Maximum).toBe(7);
    expect(decoded.Datapoints[0]?.Timestamp.tag).toBe(1);
    expect(Math.abs((decoded.Datapoints[0]?.Timestamp.value ?? 0) * 1000 - at.getTime())).toBeLessThan(
      60_000,
    );
  });

  it('answers an error with the query-compatible code header', async () => {
    // Act
    const response = await post('PutMetricData', {
      Namespace: 'AWS/RDS',
      MetricData: [{ MetricName: 'M', Value: 1 }],
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-query-error')).toBe('InvalidParameterValue;Sender');
  });
});

describe('requests no AWS client would send', () => {
  it('answers with AWS error shapes instead of failing', async () => {
    // Act
    const root = await fetch(`${world.endpoint}/`);
    const badJson = await fetch(world.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.DescribeServices',
      },
      body: '{not json',
    });
    const badRoute = await fetch(`${world.endpoint}/2013-04-01/nothing-here`, { method: 'DELETE' });

    // Assess
    expect(root.status).toBe(400);
    expect(await root.text()).toContain('<Code>InvalidAction</Code>');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ __type: 'SerializationException' });
    expect(badRoute.status).toBe(400);
    expect(await badRoute.text()).toContain('<Code>InvalidAction</Code>');
  });
});
