import type { Container } from './world-definition.ts';

/**
 * An execution's history in Step Functions' shape: events in time order, numbered from 1, each
 * with the previousEventId of the event before it in its own thread (the execution, one branch
 * of a Parallel, one iteration of a Map), as Step Functions threads concurrent work.
 *
 * Events come from two sources: the interpreter's log (state entered/exited, iterations), which
 * arrives a little after the fact, and the world's Lambda invocations (scheduled, started,
 * succeeded, failed, timed out), recorded as they happen. At one millisecond, an invocation's
 * end sorts before the interpreter's events and its start after them, which keeps a thread's
 * order: entered, scheduled, started, succeeded, exited.
 */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

/** Which thread an event belongs to: a container (and Map iteration), or an invocation's key. */
export type ThreadRef =
  | { container: Container; index?: number }
  | { invocationKey: string; container: Container };

export type EventClass = 'interpreter' | 'invocation-start' | 'invocation-end';
const CLASS_ORDER: Record<EventClass, number> = {
  'invocation-end': 0,
  interpreter: 1,
  'invocation-start': 2,
};

interface Entry {
  at: number;
  order: number;
  seq: number;
  type: string;
  details: Record<string, unknown>;
  thread: ThreadRef;
}

export class ExecutionHistory {
  private readonly entries: Entry[] = [];
  /** Map iteration of an invocation, learned from the interpreter's StateEntered. */
  private readonly iterationOf = new Map<string, number>();
  private readonly containers: Record<string, Container>;
  private sequence = 0;
  private built: HistoryEvent[] | undefined;

  constructor(containers: Record<string, Container>) {
    this.containers = containers;
  }

  get length(): number {
    return this.entries.length;
  }

  add(
    type: string,
    at: number,
    details: Record<string, unknown>,
    thread: ThreadRef,
    eventClass: EventClass = 'interpreter',
  ): void {
    const entry: Entry = { at, order: CLASS_ORDER[eventClass], seq: this.sequence++, type, details, thread };
    // Binary insertion: the interpreter's events of concurrent branches arrive out of time order.
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (before(this.entries[middle] as Entry, entry)) low = middle + 1;
      else high = middle;
    }
    this.entries.splice(low, 0, entry);
    this.built = undefined;
  }

  /** The interpreter entered an invocation's state in Map iteration `index`. */
  learnIteration(invocationKey: string, index: number): void {
    if (this.iterationOf.get(invocationKey) === index) return;
    this.iterationOf.set(invocationKey, index);
    this.built = undefined;
  }

  /** The events, numbered and threaded (built again only after a change). */
  events(): HistoryEvent[] {
    if (this.built) return this.built;
    const lastInThread = new Map<string, number>();
    const built = this.entries.map((entry, position) => {
      const id = position + 1;
      const thread = this.threadId(entry.thread);
      const previousEventId = this.previousIn(thread, lastInThread);
      lastInThread.set(thread, id);
      return { id, previousEventId, timestamp: new Date(entry.at), type: entry.type, ...entry.details };
    });
    this.built = built;
    return built;
  }

  private threadId(ref: ThreadRef): string {
    const index = 'invocationKey' in ref ? this.iterationOf.get(ref.invocationKey) : ref.index;
    return ref.container.kind === 'map' && index !== undefined
      ? `${ref.container.id}#${index}`
      : ref.container.id;
  }

  /** The last event of the thread, or of the nearest enclosing thread that has one. */
  private previousIn(thread: string, lastInThread: Map<string, number>): number {
    let current: string | undefined = thread;
    while (current !== undefined) {
      const last = lastInThread.get(current);
      if (last !== undefined) return last;
      const containerId: string = current.split('#')[0] as string;
      const parent: string | undefined = current.includes('#')
        ? containerId
        : this.containers[containerId]?.parent;
      current = parent;
    }
    return 0;
  }
}

function before(a: Entry, b: Entry): boolean {
  if (a.at !== b.at) return a.at < b.at;
  if (a.order !== b.order) return a.order < b.order;
  return a.seq < b.seq;
}
