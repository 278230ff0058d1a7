import { ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { InvalidInputError, toDrError } from '../../plan/errors.ts';
import { findWaitingRun } from '../decision/waiting-run.ts';

/**
 * Failover runs that wait for a person's decision before the point of no return (the decision
 * loop of statemachines/failover.asl.json), with the commands that decide them.
 */
export interface WaitingRunStatus {
  name: string;
  executionArn: string;
  startedAt: string | null;
  /** The RPO verdict the decision has to accept (from the run's preflight), when known. */
  rpo: { verdict: string; worstLagSeconds: number | null; budgetSeconds: number } | null;
  approve: string;
  deny: string;
}

/** Running executions looked at, at most: more at once would be an incident of its own. */
const MAX_RUNNING = 20;

export async function readWaitingRuns(
  sfn: SFNClient,
  stateMachineArn: string,
  options: { endpoint?: string; planFile?: string },
): Promise<WaitingRunStatus[]> {
  let running: { executionArn?: string; name?: string; startDate?: Date }[];
  try {
    const output = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: MAX_RUNNING }),
    );
    running = output.executions ?? [];
  } catch (error) {
    throw toDrError(error, `ListExecutions ${stateMachineArn} (RUNNING)`);
  }
  const where = [
    options.planFile ? ` --plan ${options.planFile}` : '',
    options.endpoint ? ` --endpoint ${options.endpoint}` : '',
  ].join('');
  const waiting: WaitingRunStatus[] = [];
  for (const execution of running) {
    if (!execution.executionArn) continue;
    try {
      const run = await findWaitingRun(sfn, execution.executionArn);
      const acceptance =
        run.rpo?.verdict === 'unknown'
          ? ' --accept-unknown-data-loss "accept unknown data loss"'
          : run.rpo?.verdict === 'over' && run.rpo.worstLagSeconds !== null
            ? ` --accept-data-loss ${Math.ceil(run.rpo.worstLagSeconds)}`
            : '';
      waiting.push({
        name: run.name,
        executionArn: run.executionArn,
        startedAt: execution.startDate?.toISOString() ?? null,
        rpo: run.rpo,
        approve: `drctl approve ${run.name} --reason TEXT${acceptance}${where}`,
        deny: `drctl deny ${run.name} --reason TEXT${where}`,
      });
    } catch (error) {
      // A run that is not in the decision loop (or ended meanwhile) is not waiting.
      if (!(error instanceof InvalidInputError)) throw error;
    }
  }
  return waiting;
}
