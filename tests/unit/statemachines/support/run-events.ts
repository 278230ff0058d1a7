import type { StateDefinition, StateMachineDefinition } from '../../../../statemachines/definition.ts';

/**
 * The history of the run the failover harness is executing, as far as it has got, shared with the
 * fake AWS so that its GetExecutionHistory answers with the run's real progress: the functions
 * that cannot undo what they do read it (functions/shared/run-guard.ts). The harness records each
 * task state as its handler is invoked, after the Map and Parallel states around it.
 */
export interface RunEvent {
  type: string;
  name: string;
}

export const currentRun: { events: RunEvent[] } = { events: [] };

/** Each state's enclosing Map and Parallel states, outermost first. */
export function enclosingStates(definition: StateMachineDefinition): Map<string, RunEvent[]> {
  const result = new Map<string, RunEvent[]>();
  const walk = (states: Record<string, StateDefinition>, around: RunEvent[]) => {
    for (const [name, state] of Object.entries(states)) {
      result.set(name, around);
      const inner = [...around, { type: state.Type, name }];
      for (const branch of state.Branches ?? []) walk(branch.States, inner);
      if (state.ItemProcessor) walk(state.ItemProcessor.States, inner);
    }
  };
  walk(definition.States, []);
  return result;
}

/** Records a task state entered, after the enclosing states not yet entered. */
export function recordEntered(around: readonly RunEvent[], name: string): void {
  for (const state of around) {
    if (!currentRun.events.some((event) => event.name === state.name)) currentRun.events.push(state);
  }
  currentRun.events.push({ type: 'Task', name });
}
