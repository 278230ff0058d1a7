import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReportSchema } from '../../../report/schema.ts';
import { REPO_ROOT, runCli, scratchDirectory } from './run-cli.ts';

const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIATEST', AWS_SECRET_ACCESS_KEY: 'test-secret' };
let up: ChildProcess;
let upOutput = '';
let endpoint: string;

/** Resolves when the running `drctl up` has printed a line matching `pattern`. */
function upPrinted(pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`drctl up never printed ${pattern}:\n${upOutput}`)),
      15_000,
    );
    const check = () => {
      const match = upOutput.match(pattern);
      if (!match) return;
      clearTimeout(timer);
      up.stdout?.off('data', check);
      resolve(match);
    };
    up.stdout?.on('data', check);
    check();
  });
}

beforeAll(async () => {
  up = spawn(process.execPath, ['--import', 'tsx', 'cli/bin.ts', 'up', '--scale', '250'], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  up.stdout?.on('data', (chunk: Buffer) => {
    upOutput += chunk.toString();
  });
  up.stderr?.on('data', (chunk: Buffer) => {
    upOutput += chunk.toString();
  });
  endpoint = (await upPrinted(/^endpoint: (http:\/\/127\.0\.0\.1:\d+)$/m))[1] as string;
  // Monitoring has a baseline (replication observed, alarm evaluated) once the alarm is OK.
  await upPrinted(/alarm shop-primary-endpoint-unhealthy: \w+ → OK/);
});

afterAll(() => {
  if (up.exitCode === null) up.kill('SIGKILL');
});

describe('drctl up, and clients pointed at it', () => {
  it('prints the environment lines for the AWS CLI and SDK', () => {
    // Assess
    expect(upOutput).toContain(`export AWS_ENDPOINT_URL=${endpoint}`);
    expect(upOutput).toContain('export AWS_REGION=us-west-2');
    expect(upOutput).toContain(`aws rds describe-db-instances --endpoint-url ${endpoint} --region us-west-2`);
    expect(upOutput).toContain(
      `aws lambda invoke --function-name shop-health-monitor --endpoint-url ${endpoint} --region us-west-2 /dev/stdout`,
    );
  });

  it('answers the AWS SDK at the printed endpoint', async () => {
    // Prepare
    const rds = new RDSClient({
      region: 'us-west-2',
      endpoint,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });

    // Act
    const output = await rds.send(new DescribeDBInstancesCommand({}));
    rds.destroy();

    // Assess
    expect(output.DBInstances?.map((i) => i.DBInstanceIdentifier).sort()).toEqual([
      'shop-catalog-replica',
      'shop-orders-replica',
    ]);
  });

  it('drctl status --endpoint shows the plan resources in their state', async () => {
    // Prepare
    const resolver = (upOutput.match(/^export DRCTL_DNS_RESOLVER=(\S+)$/m) ?? [])[1];
    expect(resolver).toMatch(/^127\.0\.0\.1:\d+$/);

    // Act
    const result = await runCli(['status', '--endpoint', endpoint, '--json'], {
      DRCTL_DNS_RESOLVER: resolver,
    });

    // Assess
    expect(result.code, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(
      status.databases.map((d: { replica: { value: { role: string } } }) => d.replica.value.role),
    ).toEqual([expect.stringContaining('replica of'), expect.stringContaining('replica of')]);
    expect(status.services.map((s: { dr: { value: { desired: number } } }) => s.dr.value.desired)).toEqual([
      0, 0, 0,
    ]);
    expect(status.dns.value.pointsTo).toBe('primary');
    expect(status.traffic.gate.value.state).toBe('open');
    expect(status.traffic.answer.value).toMatchObject({
      answer: 'primary.shop.example.com',
      pointsTo: 'primary',
    });
    expect(status.detection.value.map((alarm: { alarm: string; region: string }) => alarm.region)).toEqual([
      'us-east-1',
      'us-west-2',
    ]);
    expect(status.alarms.value).toContainEqual(
      expect.objectContaining({ name: 'shop-primary-endpoint-unhealthy', state: 'OK' }),
    );
  });

  it('drctl drill --target aws (dry run by default) starts the state machine and follows it to its report', async () => {
    // Prepare
    const jsonPath = join(scratchDirectory(), 'aws-dry-run.json');

    // Act
    const result = await runCli(['drill', '--target', 'aws', '--poll-seconds', '1', '--json', jsonPath], {
      ...CREDENTIALS,
      AWS_ENDPOINT_URL: endpoint,
    });

    // Assess
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = runReportSchema.parse(JSON.parse(readFileSync(jsonPath, 'utf8')));
    expect(report.target).toBe('aws');
    expect(report.mode).toBe('dry-run');
    expect(report.outcome).toBe('would-fail-over');
    expect(report.execution.name).toMatch(/^drctl-drill-dry-run-\d+$/);
    expect(result.stdout).toContain('Preflight: started');
    expect(result.stdout).toContain('WOULD FAIL OVER');
  });

  it('drctl drill --target aws --mode failover --confirm <plan> fails over and reports what AWS can know', async () => {
    // Prepare
    const jsonPath = join(scratchDirectory(), 'aws-failover.json');

    // Act
    const result = await runCli(
      [
        'drill',
        '--target',
        'aws',
        '--mode',
        'failover',
        '--confirm',
        'shop',
        '--poll-seconds',
        '1',
        '--json',
        jsonPath,
      ],
      { ...CREDENTIALS, AWS_ENDPOINT_URL: endpoint },
    );
    const status = JSON.parse((await runCli(['status', '--endpoint', endpoint, '--json'])).stdout);

    // Assess
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = runReportSchema.parse(JSON.parse(readFileSync(jsonPath, 'utf8')));
    expect(report.outcome).toBe('failed-over');
    expect(report.trigger.kind).toBe('manual');
    // AWS cannot know when the outage began nor the writes lost: unknown, never zero.
    expect(report.rto.seconds).toBeNull();
    expect(report.rpo.writesLost).toBeNull();
    expect(report.steps.find((s) => s.step === 'Switch traffic')?.outcome).toBe('succeeded');
    // AWS histories do not say which APIs were called: the report lists the declared ones, not counted.
    expect(report.dependencySource?.kind).toBe('declared');
    expect(report.dependencies?.every((row) => row.calls === null)).toBe(true);
    expect(report.traffic?.via).toBe('data-plane');
    expect(status.dns.value.pointsTo).toBe('dr');
    expect(status.traffic.gate.value.state).toBe('closed');
    expect(
      status.databases.map((d: { replica: { value: { role: string } } }) => d.replica.value.role),
    ).toEqual(['standalone (writable)', 'standalone (writable)']);
  });

  it('stops cleanly on Ctrl-C', async () => {
    // Act
    const exited = new Promise<number | null>((resolve) => up.once('exit', resolve));
    up.kill('SIGINT');

    // Assess
    expect(await exited).toBe(0);
    expect(upOutput).toContain('drctl up: stopped (SIGINT)');
  });
});
