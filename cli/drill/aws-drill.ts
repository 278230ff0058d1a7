import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { InvalidInputError, toDrError } from '../../plan/errors.ts';
import { drillStateMachineName, failoverStateMachineName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { stepsFromHistory } from '../../report/execution-steps.ts';
import { fetchExecution } from '../../report/fetch-execution.ts';
import { type ExecutionRecord, reportFromExecution } from '../../report/from-execution.ts';
import type { RunReport } from '../../report/schema.ts';
import { InterruptedError, type Interrupts, type StopSignal } from '../terminal/interrupt.ts';
import type { Progress } from '../terminal/progress.ts';
import { credentialsError, ensureCredentials } from './credentials.ts';
import { ExecutionClock } from './execution-clock.ts';
import { DrillInterruptedError, markInterrupted } from './interrupted.ts';
import { quietPeriodMs } from './poll-timing.ts';

/**
 * A drill on AWS: StartExecution on the deployed state machine, then follow it with
 * DescribeExecution + GetExecutionHistory until it ends. Dry run and failover start the failover
 * machine (dry run is the default, a failover needs --confirm); `drill` starts the drill machine,
 * which works on copies and never on production, so it needs no confirmation. What AWS cannot
 * know (a failover's outage start, writes lost) stays unknown in the report; a drill's declared
 * outage, served-at and data loss come from its own steps.
 */
export type AwsDrillMode = 'failover' | 'dry-run' | 'drill';

export interface AwsDrillOptions {
  plan: Plan;
  mode: AwsDrillMode;
  progress: Progress;
  stateMachineArn?: string;
  region?: string;
  /** Wall ms between two reads of the execution (default 5 s: well within Step Functions' quotas). */
  pollMs?: number;
  /** Ctrl-C and SIGTERM stop following (not the execution) with a DrillInterruptedError. */
  interrupts?: Interrupts;
}

/**
 * The ARN the CDK app gives the state machine of a mode (infra: `<plan>-failover` and
 * `<plan>-drill` in the DR region).
 */
export function derivedStateMachineArn(plan: Plan, region: string, mode: AwsDrillMode = 'dry-run'): string {
  const account = plan.deployment?.account;
  if (!account) {
    throw new InvalidInputError(
      'cannot derive the state machine ARN: the plan has no deployment.account; give --state-machine-arn',
      'state-machine-arn',
    );
  }
  const name = mode === 'drill' ? drillStateMachineName(plan) : failoverStateMachineName(plan);
  return `arn:aws:states:${region}:${account}:stateMachine:${name}`;
}

export async function runAwsDrill(options: AwsDrillOptions): Promise<RunReport> {
  const { plan, mode, progress, interrupts } = options;
  const race = <T>(work: Promise<T>): Promise<T> => (interrupts ? interrupts.race(work) : work);
  const region = options.region ?? plan.regions.dr;
  const stateMachineArn = options.stateMachineArn ?? derivedStateMachineArn(plan, region, mode);
  if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/.test(stateMachineArn)) {
    throw new InvalidInputError(
      `--state-machine-arn: expected arn:aws:states:<region>:<account>:stateMachine:<name>, found "${stateMachineArn}"`,
      'state-machine-arn',
    );
  }
  const client = new SFNClient({ region });
  try {
    await race(ensureCredentials(client));
    // A Ctrl-C before the start means: do not start.
    interrupts?.check();
    const stamp = Math.floor(Date.now() / 1000);
    let executionArn: string;
    let startDate: Date | undefined;
    try {
      const started = await client.send(
        new StartExecutionCommand({
          stateMachineArn,
          name: `drctl-drill-${mode}-${stamp}`,
          input: JSON.stringify({
            mode,
            reason: `drctl drill --target aws --mode ${mode}`,
            incidentId: `drill-${stamp}`,
            requestedBy: `drctl drill (${safeUser()})`,
          }),
        }),
      );
      executionArn = started.executionArn as string;
      startDate = started.startDate;
    } catch (error) {
      if ((error as Error).name === 'StateMachineDoesNotExist') {
        throw new InvalidInputError(
          `state machine ${stateMachineArn} does not exist in ${region}: deploy the orchestrator stack (infra/)${mode === 'drill' ? ', which deploys the drill machine beside the failover one,' : ''} or give --state-machine-arn`,
          'state-machine-arn',
        );
      }
      throw credentialsError(error) ?? toDrError(error, `StartExecution ${stateMachineArn}`);
    }
    // Offsets count from the execution's own start, on the service's clock (see ExecutionClock).
    let clock = startDate ? new ExecutionClock(startDate.getTime()) : undefined;
    if (clock) progress.setOrigin(clock.origin);
    progress.note(
      `drctl drill: started ${executionArn} (${mode}); following it until it ends (Ctrl-C stops following, not the execution)`,
    );
    if (mode === 'drill') {
      progress.note(
        'drctl drill: the drill works on copies of the DR replicas and the drill name only; it cleans up after itself, also when it fails (an interrupted drill is swept by the next one)',
      );
    }
    progress.startStatus(() => clock?.now() ?? Date.now(), 1_000);
    // Ctrl-C stops following; the execution itself goes on in AWS and its report can be built later.
    let last: ExecutionRecord | undefined;
    try {
      for (;;) {
        const record = await race(fetchExecution(client, executionArn));
        last = record;
        clock ??= clockFrom(record);
        progress.setOrigin(clock.origin);
        for (const event of record.events) clock.saw(event.timestamp?.getTime() ?? Number.NaN);
        const running = record.execution.status === 'RUNNING';
        progress.steps(stepsFromHistory(record.events, running).steps, {
          final: !running,
          now: clock.now(),
          quietMs: quietPeriodMs(plan),
        });
        if (!running) {
          progress.stop();
          return reportFromExecution(record, plan, { region });
        }
        await race(sleep(options.pollMs ?? 5_000));
      }
    } catch (error) {
      if (!(error instanceof InterruptedError) || error instanceof DrillInterruptedError) throw error;
      progress.stop();
      throw interruptedFollowing(error.signal, executionArn, last, plan, region, mode);
    }
  } finally {
    progress.stop();
    client.destroy();
  }
}

/** StartExecution's response had no startDate: DescribeExecution's, else (never seen) the client's time. */
function clockFrom(record: ExecutionRecord): ExecutionClock {
  return new ExecutionClock(record.execution.startDate?.getTime() ?? Date.now());
}

/** Steps that change something (a drill's copies and cleanup too). */
const CHANGING_KINDS: readonly string[] = ['promote', 'scale', 'dns', 'copy', 'cleanup'];

/** What an operator who stopped following knows: the steps seen so far, in a partial report. */
function interruptedFollowing(
  signal: StopSignal,
  executionArn: string,
  last: ExecutionRecord | undefined,
  plan: Plan,
  region: string,
  mode: AwsDrillMode,
): DrillInterruptedError {
  const steps = last ? stepsFromHistory(last.events, last.execution.status === 'RUNNING').steps : [];
  const running = steps.filter((step) => step.outcome === 'running').map((step) => step.step);
  const changedSoFar = steps
    .filter((step) => CHANGING_KINDS.includes(step.kind) && step.outcome !== 'skipped')
    .map((step) => `${step.step}: ${step.outcome}`);
  const interruption = {
    during: `following execution ${executionArn.split(':').at(-1)}${running.length > 0 ? ` (running: ${running.join(', ')})` : ''}`,
    changedSoFar,
    afterwards: `the execution goes on in AWS (${
      mode === 'drill'
        ? 'a drill cleans up after itself; if you stop it, the sweep rule removes its copies'
        : 'stop it in the console if you must'
    }); its full report later: drctl report --execution ${executionArn}`,
  };
  const report = last
    ? markInterrupted(reportFromExecution(last, plan, { region }), signal, interruption)
    : null;
  return new DrillInterruptedError(signal, interruption, report);
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown user';
  }
}
