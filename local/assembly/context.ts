import type { Plan } from '../../plan/schema.ts';
import { createClock } from '../clock.ts';
import type { WorldContext } from '../context.ts';
import { createEventLog } from '../events.ts';
import { createRandom } from '../rng.ts';
import { createScheduler } from '../scheduler.ts';
import type { Timings } from '../timings.ts';
import type { Cleanup } from './cleanup.ts';

export interface ContextOptions {
  plan: Plan;
  account: string;
  timings: Timings;
  scale: number;
  seed: number;
  startAt?: Date;
}

export interface BuiltContext {
  context: WorldContext;
  /** Errors thrown by scheduled actions (a pending wait fails with the first). */
  failures: unknown[];
  /** Sets who answers `context.isRegionUp` (the faults, once they exist). */
  setRegionState(isUp: (region: string) => boolean): void;
}

/**
 * Simulated time, the event log, the scheduler and randomness: what every model shares. The
 * clock is installed as the process's Date from here on; cleanup stops the scheduler and puts
 * the real clock back.
 */
export function createWorldContext(options: ContextOptions, cleanup: Cleanup): BuiltContext {
  const clock = createClock({
    scale: options.scale,
    ...(options.startAt ? { startAt: options.startAt.getTime() } : {}),
  });
  const failures: unknown[] = [];
  const onError = (error: unknown) => failures.push(error);
  const events = createEventLog(clock.startedAt, onError);
  const scheduler = createScheduler(clock, onError);
  let regionUp: (region: string) => boolean = () => true;
  const context: WorldContext = {
    plan: options.plan,
    account: options.account,
    clock,
    scheduler,
    events,
    random: createRandom(options.seed),
    timings: options.timings,
    isRegionUp: (region) => regionUp(region),
  };
  clock.install();
  cleanup.add(() => clock.uninstall());
  cleanup.add(() => scheduler.stop());
  return {
    context,
    failures,
    setRegionState: (isUp) => {
      regionUp = isUp;
    },
  };
}
