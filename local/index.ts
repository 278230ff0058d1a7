/**
 * The embedded, simulated two-region AWS. Start it from a plan, point the AWS CLI or an SDK at
 * `world.endpoint` (or `world.env`), inject faults, follow `world.events`, and read
 * `world.measurements()` for detection time, RTO and RPO. One world per process at a time.
 */
export { type SimClock, WallDate } from './clock.ts';
export type { AlarmEvent, Detection, DetectionAlarm } from './detection.ts';
export { closeSharedEndpoints } from './endpoints.ts';
export type { EventLog, WorldEvent, WorldEventType } from './events.ts';
export { DEFAULT_START_FAILURE, type Faults, type RateFaultOptions } from './faults.ts';
export type { Measurements } from './measure.ts';
export { type Mutation, metricResource, recordResource } from './mutations.ts';
export type { ServiceName } from './protocol/server.ts';
export type { CountedKind, Dependency, RequestTotal, TimeWindow } from './request-counts.ts';
export type { ServiceState, WorldSnapshot } from './snapshot.ts';
export type { SnsMessage } from './sns/model.ts';
export type { Execution, ExecutionStatus, HistoryEvent } from './stepfunctions/executions.ts';
export { type StepTiming, stepTimings } from './timeline.ts';
export { DEFAULT_TIMINGS, type Timings } from './timings.ts';
export {
  type ApiCall,
  DEFAULT_SCALE,
  type StepFunctionsFacade,
  startWorld,
  type World,
  type WorldOptions,
} from './world.ts';
