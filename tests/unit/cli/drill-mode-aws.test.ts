import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/drill.ts';
import { drillExitCode } from '../../../cli/drill/outputs.ts';
import { loadPlanFile } from '../../../plan/load.ts';
import { reportFromExecution } from '../../../report/from-execution.ts';
import { runReportSchema } from '../../../report/schema.ts';
import { DRILL_EXECUTION_ARN, drillRun } from '../report/support/drill-executions.ts';

const PLAN_FILE = new URL('../../../drctl.plan.yaml', import.meta.url).pathname;
const sfnMock = mockClient(SFNClient);
const plan = loadPlanFile(PLAN_FILE);

function serve(execution: ReturnType<typeof drillRun>): void {
  sfnMock.on(StartExecutionCommand).resolves({ executionArn: DRILL_EXECUTION_ARN, startDate: new Date() });
  sfnMock.on(DescribeExecutionCommand).resolves(execution.describe);
  sfnMock.on(GetExecutionHistoryCommand).resolves({ events: execution.events });
}

function output(): string {
  return vi
    .mocked(console.log)
    .mock.calls.map((call) => String(call[0]))
    .join('\n');
}

function scratchJson(): string {
  return join(mkdtempSync(join(tmpdir(), 'drctl-drill-mode-')), 'drill.json');
}

describe('drctl drill --target aws --mode drill', () => {
  beforeEach(() => {
    sfnMock.reset();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('starts the drill machine (not the failover one) without --confirm, in mode drill', async () => {
    // Prepare
    serve(drillRun());

    // Act
    const code = await run([
      '--target',
      'aws',
      '--mode',
      'drill',
      '--plan',
      PLAN_FILE,
      '--json',
      scratchJson(),
    ]);

    // Assess
    expect(code).toBe(0);
    const start = sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.stateMachineArn).toBe('arn:aws:states:us-west-2:111111111111:stateMachine:shop-drill');
    expect(JSON.parse(start?.input ?? '{}')).toEqual(
      expect.objectContaining({ mode: 'drill', reason: 'drctl drill --target aws --mode drill' }),
    );
    expect(start?.name).toMatch(/^drctl-drill-drill-\d+$/);
  });

  it('prints the drill summary: RTO from the declared outage, RPO with its basis, copies, cleanup, verdict', async () => {
    // Prepare
    serve(drillRun());

    // Act
    await run(['--target', 'aws', '--mode', 'drill', '--plan', PLAN_FILE, '--json', scratchJson()]);

    // Assess
    const printed = output();
    expect(printed).toContain('DRILL SUCCEEDED (on copies: production untouched)');
    expect(printed).toContain('drill name drill.shop.example.com: DNS answered dr.shop.example.com');
    expect(printed).toMatch(
      /RTO {8}153 s \(2 min 33 s\) from the declared outage \(T\+10:03\) to the DR application serving through drill\.shop\.example\.com \(T\+12:36\); objective 900 s \(15 min\): PASS/,
    );
    expect(printed).toContain('5 writes, 2.4 s of writes lost, from the write canary');
    expect(printed).toContain(
      'copies     shop-orders-replica-drill ← shop-orders-replica: created T+00:05, available T+10:01, promoted T+10:06 (lag 1.5 s), deleted T+17:40',
    );
    expect(printed).toContain('cleanup    complete');
    expect(printed).toContain('cleaned rds:us-west-2:shop-catalog-replica-drill: DeleteDBInstance');
    expect(printed).toContain('verdict    succeeded: The drill met its objectives and cleaned up.');
    expect(printed).not.toContain('what changed');
    expect(printed).toContain(
      'evidence   s3://drctl-shop-evidence-123456789012-us-west-2/runs/shop-drill/2026/11/drill-7.json (written by the evidence function when the execution ended; drctl report --history s3://drctl-shop-evidence-123456789012-us-west-2/runs/shop-drill/ charts the runs)',
    );
  });

  it('writes the run report with the drill fields, valid against its schema', async () => {
    // Prepare
    serve(drillRun());
    const json = scratchJson();

    // Act
    await run(['--target', 'aws', '--mode', 'drill', '--plan', PLAN_FILE, '--json', json]);

    // Assess
    const report = runReportSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
    expect(report.mode).toBe('drill');
    expect(report.drill?.copies).toHaveLength(2);
    const page = readFileSync(json.replace(/\.json$/, '.html'), 'utf8');
    expect(page).toContain('<title>shop: drill drill-7</title>');
    expect(page).toContain('<td class="mono">shop-orders-replica-drill</td>');
    expect(page).toContain('<strong>✓ Complete</strong>: nothing was left behind');
    expect(page).toContain(
      'the write canary (heartbeats on the primary and on the copy at the declared outage)',
    );
    expect(page).not.toContain('id="changes"');
  });

  it('says a failed drill missed its RTO and never reached its data-loss step', async () => {
    // Prepare
    serve(drillRun({ failScaling: true }));

    // Act
    await run(['--target', 'aws', '--mode', 'drill', '--plan', PLAN_FILE, '--json', scratchJson()]);

    // Assess
    const printed = output();
    expect(printed).toContain(
      'RTO        not measured: the DR application was not seen serving through the drill name; objective 900 s (15 min): FAIL',
    );
    expect(printed).toContain(
      'RPO        not measured: the drill ended before its data-loss step; objective 60 s (1 min): UNKNOWN',
    );
    expect(printed).toContain('verdict    failed (DrillFailedError)');
  });

  it.each([
    ['a drill that left a copy behind', { leaveOrdersCopy: true }],
    ['a failed drill', { failScaling: true }],
    ['a refused drill', { refused: true }],
  ])('exits 1 for %s', async (_name, variant) => {
    // Prepare
    serve(drillRun(variant));

    // Act
    const code = await run([
      '--target',
      'aws',
      '--mode',
      'drill',
      '--plan',
      PLAN_FILE,
      '--json',
      scratchJson(),
    ]);

    // Assess
    expect(code).toBe(1);
  });

  it('says the drill machine is missing and how to deploy it, exit 2', async () => {
    // Prepare
    sfnMock
      .on(StartExecutionCommand)
      .rejects(new StateMachineDoesNotExist({ message: 'State Machine Does Not Exist', $metadata: {} }));

    // Act
    const code = await run([
      '--target',
      'aws',
      '--mode',
      'drill',
      '--plan',
      PLAN_FILE,
      '--json',
      scratchJson(),
    ]);

    // Assess
    expect(code).toBe(2);
    expect(console.error).toHaveBeenCalledWith(
      expect.stringContaining(
        'state machine arn:aws:states:us-west-2:111111111111:stateMachine:shop-drill does not exist in us-west-2: deploy the orchestrator stack (infra/), which deploys the drill machine beside the failover one,',
      ),
    );
  });

  it.each([
    ['StartExecution', true],
    ['DescribeExecution (StartExecution gave none)', false],
  ])(
    'counts progress offsets from the execution start date of %s, not the client clock',
    async (_from, fromStart) => {
      // Prepare: the service's clock is days behind the client's (a simulated world, or clock skew).
      const execution = drillRun();
      const startDate = execution.describe.startDate as Date;
      sfnMock
        .on(StartExecutionCommand)
        .resolves({ executionArn: DRILL_EXECUTION_ARN, ...(fromStart ? { startDate } : {}) });
      sfnMock.on(DescribeExecutionCommand).resolves(execution.describe);
      sfnMock.on(GetExecutionHistoryCommand).resolves({ events: execution.events });

      // Act
      await run(['--target', 'aws', '--mode', 'drill', '--plan', PLAN_FILE, '--json', scratchJson()]);

      // Assess: the first step starts at the execution's start, and no offset is hours away.
      const lines = vi
        .mocked(process.stdout.write)
        .mock.calls.flatMap((call) => String(call[0]).split('\n'))
        .filter((line) => /^T[+-]/.test(line));
      expect(lines[0]).toMatch(/^T\+00:0\d {2}· \S.*: started$/);
      expect(lines.filter((line) => /^T-|^T\+\d+:\d\d:\d\d/.test(line))).toEqual([]);
      expect(lines.some((line) => line.startsWith('T+17:'))).toBe(true);
    },
  );

  it('refuses an unknown mode, naming the three, before any call', async () => {
    // Prepare + Act
    const code = await run(['--target', 'aws', '--mode', 'drll', '--plan', PLAN_FILE]);

    // Assess
    expect(code).toBe(2);
    expect(console.error).toHaveBeenCalledWith(
      expect.stringContaining('--mode: expected one of failover, dry-run, drill, found "drll"'),
    );
    expect(sfnMock.calls()).toHaveLength(0);
  });
});

describe('the exit status of a drill', () => {
  it('is 0 only for a drill that met both objectives with a known RTO and cleaned up', () => {
    // Prepare
    const run = drillRun();
    const good = reportFromExecution({ execution: run.describe, events: run.events }, plan);
    const unknownRto = { ...good, rto: { ...good.rto, seconds: null, met: null } };
    const rpoMissed = { ...good, rpo: { ...good.rpo, met: false } };
    const cleanupUnseen = { ...good, drill: good.drill ? { ...good.drill, cleanup: null } : null };

    // Act
    const codes = [good, unknownRto, rpoMissed, cleanupUnseen].map(drillExitCode);

    // Assess
    expect(codes).toEqual([0, 1, 1, 1]);
  });
});
