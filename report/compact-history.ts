import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { stepNameOf } from './step-names.ts';
import { record } from './step-results.ts';

/**
 * Keeps of each history event only what the report reads, so that a history of 25,000 events
 * (Step Functions' limit) fits in a small Lambda. In a JSONPath state machine every state's input
 * and output is the whole state document, which grows as the run gathers results: kept as is, a
 * long poll loop holds the document once per event. The report reads, per event:
 * - Task state entered: the Map item (databaseId, serviceId) and any caught error ({Error, Cause})
 *   the state carried in, to tell a new catch from an old one;
 * - Task state exited: the same, plus the state's own result under its ResultPath (and the poll
 *   fields), for histories without task result events (a state without a known ResultPath: all);
 * - task scheduled: the Map item and the operation;
 * - Fail state entered: the Map item;
 * - task results, the execution's input and output: whole (each at most 256 KiB on AWS).
 * Other states' documents (Choice, Wait, Pass, Map, Parallel, Succeed) are never read: dropped.
 */
const ITEM_KEYS = ['databaseId', 'serviceId', 'op', 'operation'] as const;
/** State fields a poll step's `done` may sit under (report/step-groups.ts). */
const POLL_KEYS = ['promotion', 'scale', 'dns', 'gate'] as const;

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isCaughtError(value: unknown): boolean {
  return typeof record(value)?.Error === 'string';
}

/** The named keys and every caught error of a state document, as JSON; the text itself when it is not an object. */
function keep(text: string | undefined, keys: readonly string[]): string | undefined {
  const document = record(parse(text));
  if (!document) return text !== undefined && text.length <= 1_024 ? text : undefined;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document)) {
    if (keys.includes(key) || isCaughtError(value)) kept[key] = value;
  }
  // A lambda:invoke integration's parameters carry the function's input under Payload.
  const payload = record(document.Payload);
  if (payload) kept.Payload = JSON.parse(keep(JSON.stringify(payload), keys) ?? '{}');
  return JSON.stringify(kept);
}

/**
 * The keys a Task state's exit keeps: its ResultPath field; null (keep it all) for a state without
 * a known ResultPath, whose whole output stands for its result (report/step-groups.ts resultOf).
 */
function exitKeys(state: string | undefined): readonly string[] | null {
  const { resultPath } = stepNameOf(state ?? '');
  return resultPath === undefined ? null : [...ITEM_KEYS, ...POLL_KEYS, resultPath];
}

const DROPPED_DETAILS = [
  'ChoiceStateEntered',
  'ChoiceStateExited',
  'WaitStateEntered',
  'WaitStateExited',
  'PassStateEntered',
  'PassStateExited',
  'MapStateEntered',
  'MapStateExited',
  'ParallelStateEntered',
  'ParallelStateExited',
  'SucceedStateEntered',
  'SucceedStateExited',
] as const;

export function compactHistoryEvent(event: HistoryEvent): HistoryEvent {
  const type = event.type ?? '';
  const entered = event.stateEnteredEventDetails;
  const exited = event.stateExitedEventDetails;
  if ((DROPPED_DETAILS as readonly string[]).includes(type)) {
    const { stateEnteredEventDetails: _in, stateExitedEventDetails: _out, ...rest } = event;
    if (entered) return { ...rest, stateEnteredEventDetails: { name: entered.name } };
    if (exited) return { ...rest, stateExitedEventDetails: { name: exited.name } };
    return rest;
  }
  if ((type === 'TaskStateEntered' || type === 'FailStateEntered') && entered) {
    const input = keep(entered.input, ITEM_KEYS);
    return {
      ...event,
      stateEnteredEventDetails: { ...withoutPayloadInfo(entered), ...(input ? { input } : {}) },
    };
  }
  if (type === 'TaskStateExited' && exited) {
    const keys = exitKeys(exited.name);
    if (keys === null) return event;
    const output = keep(exited.output, keys);
    return {
      ...event,
      stateExitedEventDetails: { ...withoutPayloadInfo(exited), ...(output ? { output } : {}) },
    };
  }
  if (type === 'LambdaFunctionScheduled' && event.lambdaFunctionScheduledEventDetails) {
    const details = event.lambdaFunctionScheduledEventDetails;
    const input = keep(details.input, ITEM_KEYS);
    const { input: _whole, inputDetails: _info, ...rest } = details;
    return { ...event, lambdaFunctionScheduledEventDetails: { ...rest, ...(input ? { input } : {}) } };
  }
  if (type === 'TaskScheduled' && event.taskScheduledEventDetails) {
    const details = event.taskScheduledEventDetails;
    return {
      ...event,
      taskScheduledEventDetails: { ...details, parameters: keep(details.parameters, ITEM_KEYS) ?? '{}' },
    };
  }
  return event;
}

function withoutPayloadInfo<T extends { name?: string | undefined }>(
  details: T,
): { name: string | undefined } {
  return { name: details.name };
}

/** The characters an event still holds in its payload fields, for the history's byte budget. */
export function eventPayloadSize(event: HistoryEvent): number {
  let size = 0;
  const add = (text: string | undefined) => {
    size += text?.length ?? 0;
  };
  add(event.stateEnteredEventDetails?.input);
  add(event.stateExitedEventDetails?.output);
  add(event.lambdaFunctionScheduledEventDetails?.input);
  add(event.lambdaFunctionSucceededEventDetails?.output);
  add(event.taskScheduledEventDetails?.parameters);
  add(event.taskSucceededEventDetails?.output);
  add(event.executionStartedEventDetails?.input);
  add(event.executionSucceededEventDetails?.output);
  add(event.lambdaFunctionFailedEventDetails?.cause);
  add(event.taskFailedEventDetails?.cause);
  add(event.executionFailedEventDetails?.cause);
  return size;
}
