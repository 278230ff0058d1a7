import type { World } from '../../local/index.ts';

/**
 * When `executionArn` ended skipped by the run lock, the run the drill should follow instead:
 * another execution started since the outage that was not itself skipped (the oldest first,
 * as the lock lets the oldest win).
 */
export function lockHolder(world: World, executionArn: string, origin: number): string | undefined {
  if (outcomeOf(world, executionArn) !== 'skipped') return undefined;
  return world.events
    .list({ type: 'execution.started', since: origin })
    .map((e) => e.detail.executionArn as string)
    .filter((arn) => arn !== executionArn)
    .find((arn) => outcomeOf(world, arn) !== 'skipped');
}

function outcomeOf(world: World, executionArn: string): string | undefined {
  const execution = world.stepFunctions.describe(executionArn);
  if (execution.status === 'RUNNING') return 'running';
  try {
    return (JSON.parse(execution.output ?? '{}') as { outcome?: string }).outcome;
  } catch {
    return undefined;
  }
}
