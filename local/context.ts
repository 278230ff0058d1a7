import type { Plan } from '../plan/schema.ts';
import type { SimClock } from './clock.ts';
import type { EventLog } from './events.ts';
import type { Random } from './rng.ts';
import type { Scheduler } from './scheduler.ts';
import type { Timings } from './timings.ts';

/** What every part of the world shares: the plan, time, randomness, the log and region state. */
export interface WorldContext {
  plan: Plan;
  account: string;
  clock: SimClock;
  scheduler: Scheduler;
  events: EventLog;
  random: Random;
  timings: Timings;
  /** False while a region outage is injected. */
  isRegionUp(region: string): boolean;
}
