import type { HistoryEvent } from '@aws-sdk/client-sfn';

/**
 * One history out of a parent's and its children's: each database's promotion and each
 * service's scaling polls in a child execution (startExecution.sync:2, docs/architecture.md), so
 * the report reads the loop from the child as it read it inline before. Events of all executions
 * are merged in time order and numbered again; previousEventId keeps each execution's own
 * threading, and a child's first event points at the parent's TaskSubmitted that started it. The
 * parent's own events of the Tasks that ran children, and the children's Execution* events, are
 * left out: they say nothing the child's own states do not.
 */
export function withChildHistories(
  parent: readonly HistoryEvent[],
  children: readonly { executionArn: string; events: readonly HistoryEvent[] }[],
): HistoryEvent[] {
  if (children.length === 0) return [...parent];
  const startedBy = new Map<string, number>();
  for (const event of parent) {
    if (event.type !== 'TaskSubmitted' || event.taskSubmittedEventDetails?.resourceType !== 'states')
      continue;
    try {
      const arn = (JSON.parse(event.taskSubmittedEventDetails.output ?? '{}') as { ExecutionArn?: unknown })
        .ExecutionArn;
      if (typeof arn === 'string') startedBy.set(arn, event.id ?? 0);
    } catch {
      // not a StartExecution response
    }
  }
  const removed = parent.filter((event) => isChildTaskEvent(event, parent));
  const childOfRemoved = childrenOfRemovedEvents(parent, removed, startedBy);
  const sources = [
    { key: 'parent', events: parent.filter((event) => !isChildTaskEvent(event, parent)), start: 0 },
    ...children.map((child) => ({
      key: child.executionArn,
      events: child.events.filter((event) => !(event.type ?? '').startsWith('Execution')),
      start: startedBy.get(child.executionArn) ?? 0,
    })),
  ];
  const tagged = sources.flatMap((source, order) =>
    source.events.map((event, position) => ({ event, order, position, source })),
  );
  tagged.sort(
    (a, b) =>
      (a.event.timestamp?.getTime() ?? 0) - (b.event.timestamp?.getTime() ?? 0) ||
      a.order - b.order ||
      a.position - b.position,
  );
  const newIds = new Map<string, number>();
  const lastIdOf = new Map<string, number>();
  for (const [index, { event, source }] of tagged.entries()) {
    newIds.set(`${source.key}#${event.id ?? 0}`, index + 1);
    lastIdOf.set(source.key, index + 1);
  }
  const lastOfChild = (arn: string | undefined) => (arn === undefined ? undefined : lastIdOf.get(arn));
  return tagged.map(({ event, source }, index) => {
    const previous = event.previousEventId ?? 0;
    const mapped =
      newIds.get(`${source.key}#${previous}`) ??
      (source.key === 'parent' ? undefined : newIds.get(`parent#${source.start}`)) ??
      // the parent's event it chained to was the end of a child's Task (TaskFailed/Succeeded,
      // TaskStateExited): what follows (a Catch's states) follows that child's last state
      (source.key === 'parent' ? lastOfChild(childOfRemoved.get(previous)) : undefined) ??
      // the parent's own event it chained to was left out: the nearest earlier one
      (index === 0 ? 0 : index);
    return { ...event, id: index + 1, previousEventId: mapped };
  });
}

/**
 * The child each left-out parent event belongs to: its previousEventId chain leads back to the
 * TaskSubmitted that started the child. Without it, a Catch's states after a failed child would
 * chain to whatever event came just before in time, and so to another resource's step.
 */
function childrenOfRemovedEvents(
  parent: readonly HistoryEvent[],
  removed: readonly HistoryEvent[],
  startedBy: ReadonlyMap<string, number>,
): Map<number, string> {
  const childBySubmitted = new Map([...startedBy].map(([arn, id]) => [id, arn]));
  const byId = new Map(parent.map((event) => [event.id ?? 0, event]));
  const found = new Map<number, string>();
  for (const event of removed) {
    let id: number | undefined = event.id;
    for (let hops = 0; id !== undefined && hops < 10_000; hops++) {
      const arn = childBySubmitted.get(id);
      if (arn !== undefined) {
        found.set(event.id ?? 0, arn);
        break;
      }
      id = byId.get(id)?.previousEventId;
    }
  }
  return found;
}

/** The parent's events of a Task that ran a child: its Task* events and its state's entry and exit. */
function isChildTaskEvent(event: HistoryEvent, all: readonly HistoryEvent[]): boolean {
  const details =
    event.taskScheduledEventDetails ??
    event.taskStartedEventDetails ??
    event.taskSubmittedEventDetails ??
    event.taskSucceededEventDetails ??
    event.taskFailedEventDetails;
  if (details?.resourceType === 'states') return true;
  if (event.type !== 'TaskStateEntered' && event.type !== 'TaskStateExited') return false;
  const name = event.stateEnteredEventDetails?.name ?? event.stateExitedEventDetails?.name;
  return childTaskStates(all).has(name ?? '');
}

const namesCache = new WeakMap<readonly HistoryEvent[], Set<string>>();

/** Names of the Task states whose scheduled task was Step Functions itself (a child execution). */
function childTaskStates(all: readonly HistoryEvent[]): Set<string> {
  const cached = namesCache.get(all);
  if (cached) return cached;
  const byId = new Map(all.map((event) => [event.id ?? 0, event]));
  const names = new Set<string>();
  for (const event of all) {
    if (event.type !== 'TaskScheduled' || event.taskScheduledEventDetails?.resourceType !== 'states')
      continue;
    const entered = byId.get(event.previousEventId ?? 0);
    const name = entered?.stateEnteredEventDetails?.name;
    if (entered?.type === 'TaskStateEntered' && name) names.add(name);
  }
  namesCache.set(all, names);
  return names;
}
