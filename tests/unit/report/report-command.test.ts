import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/report.ts';
import { runReportSchema } from '../../../report/schema.ts';
import { fixturePath } from './support/fixtures.ts';
import { EXECUTION_ARN, succeededFailover } from './support/shop-executions.ts';

const PLAN_FILE = new URL('../../../drctl.plan.yaml', import.meta.url).pathname;

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'drctl-report-cmd-'));
}

describe('drctl report FILE.json', () => {
  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('writes the HTML page next to the JSON by default', async () => {
    // Prepare
    const dir = scratch();
    const json = join(dir, 'drill.json');
    copyFileSync(fixturePath('failover-succeeded'), json);

    // Act
    const code = await run([json]);

    // Assess
    expect(code).toBe(0);
    const page = readFileSync(join(dir, 'drill.html'), 'utf8');
    expect(page).toContain('data-seconds="468">468 s');
  });

  it('writes where --out says', async () => {
    // Prepare
    const out = join(scratch(), 'nested', 'evidence.html');

    // Act
    const code = await run([fixturePath('dry-run'), '--out', out]);

    // Assess
    expect(code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('What a failover would change');
  });

  it('rejects a report that does not match the schema, naming the field, and writes nothing', async () => {
    // Prepare
    const dir = scratch();
    const json = join(dir, 'bad.json');
    const document = JSON.parse(readFileSync(fixturePath('failover-succeeded'), 'utf8'));
    document.rto.seconds = 'fast';
    writeFileSync(json, JSON.stringify(document));

    // Act
    const attempt = run([json]);

    // Assess: bad input exits 2 with the message (README)
    expect(await attempt).toBe(2);
    expect(console.error).toHaveBeenCalledWith(
      expect.stringMatching(/rto\.seconds: .*expected number.*found "fast"/),
    );
    expect(existsSync(join(dir, 'bad.html'))).toBe(false);
  });

  it('exits 2 with the usage when the arguments do not make sense', async () => {
    // Prepare + Act
    const none = await run([]);
    const both = await run([fixturePath('dry-run'), '--history', '.']);
    const unknown = await run(['--colour']);

    // Assess
    expect([none, both, unknown]).toEqual([2, 2, 2]);
  });
});

describe('drctl report --execution', () => {
  const sfn = mockClient(SFNClient);
  beforeEach(() => {
    sfn.reset();
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('pages through the whole history and writes the JSON report and its page', async () => {
    // Prepare
    const { describe: execution, events } = succeededFailover();
    const half = Math.floor(events.length / 2);
    sfn.on(DescribeExecutionCommand).resolves(execution);
    sfn
      .on(GetExecutionHistoryCommand, { executionArn: EXECUTION_ARN, nextToken: undefined })
      .resolves({ events: events.slice(0, half), nextToken: 'page-2' })
      .on(GetExecutionHistoryCommand, { executionArn: EXECUTION_ARN, nextToken: 'page-2' })
      .resolves({ events: events.slice(half) });
    const dir = scratch();
    const json = join(dir, 'aws-run.json');

    // Act
    const code = await run(['--execution', EXECUTION_ARN, '--plan', PLAN_FILE, '--json', json]);

    // Assess
    expect(code).toBe(0);
    expect(sfn.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input.nextToken)).toEqual([
      undefined,
      'page-2',
    ]);
    const report = runReportSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
    expect(report.steps).toHaveLength(12);
    expect(report.steps.at(-1)?.step).toBe('Notify result');
    // From the plan: the declared dependencies of the recovery path, not counted.
    expect(report.dependencySource?.kind).toBe('declared');
    expect(report.dependencies?.every((row) => row.calls === null)).toBe(true);
    expect(report.plan.objectives).toEqual({ rtoSeconds: 900, rpoSeconds: 60 });
    const page = readFileSync(join(dir, 'aws-run.html'), 'utf8');
    expect(page).toContain('Open the execution in the AWS console');
    expect(page).toContain('Game day &lt;drill&gt; &amp; audit');
  });

  it('turns a missing execution into an operator error', async () => {
    // Prepare
    const error = Object.assign(new Error('Execution Does Not Exist'), {
      name: 'ExecutionDoesNotExist',
      $metadata: {},
    });
    sfn.on(DescribeExecutionCommand).rejects(error);

    // Act
    const attempt = run([
      '--execution',
      EXECUTION_ARN,
      '--plan',
      PLAN_FILE,
      '--json',
      join(scratch(), 'x.json'),
    ]);

    // Assess: AWS's answer, not the operator's input: exit 1
    expect(await attempt).toBe(1);
    expect(console.error).toHaveBeenCalledWith(
      expect.stringContaining(`reading execution ${EXECUTION_ARN}: ExecutionDoesNotExist`),
    );
  });

  it('refuses something that is not an execution ARN before calling AWS', async () => {
    // Prepare + Act
    const attempt = run(['--execution', 'arn:aws:states:us-west-2:123456789012:stateMachine:shop-failover']);

    // Assess
    expect(await attempt).toBe(2);
    expect(console.error).toHaveBeenCalledWith(
      expect.stringContaining('--execution: expected a Step Functions execution ARN'),
    );
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('drctl report --history', () => {
  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('charts every valid report in the folder and says which files it skipped', async () => {
    // Prepare
    const dir = scratch();
    for (const name of ['failover-succeeded', 'failover-failed', 'dry-run'] as const) {
      copyFileSync(fixturePath(name), join(dir, `${name}.json`));
    }
    writeFileSync(join(dir, 'failover-succeeded.html'), '<!doctype html>');
    writeFileSync(join(dir, 'notes.json'), '{"hello": "world"}');

    // Act
    const code = await run(['--history', dir]);

    // Assess
    expect(code).toBe(0);
    const page = readFileSync(join(dir, 'history.html'), 'utf8');
    expect([...page.matchAll(/<tr data-file="([^"]+)"/g)].map((match) => match[1])).toEqual([
      'dry-run.json',
      'failover-succeeded.json',
      'failover-failed.json',
    ]);
    expect(page).toContain('<a href="failover-succeeded.html">');
    expect(page).toContain('data-series="RTO" data-seconds="468" data-verdict="met"');
    expect(console.error).toHaveBeenCalledWith(
      expect.stringContaining('notes.json is not a valid drctl run report'),
    );
  });

  it('fails when the folder holds no run report', async () => {
    // Prepare
    const dir = scratch();

    // Act
    const attempt = run(['--history', dir]);

    // Assess
    expect(await attempt).toBe(2);
    expect(console.error).toHaveBeenCalledWith(
      expect.stringContaining(`--history: no valid run report (*.json) in ${dir}`),
    );
  });
});
