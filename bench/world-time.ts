import { performance } from 'node:perf_hooks';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { startWorld, type World } from '../local/index.ts';
import type { Plan } from '../plan/schema.ts';
import { progress } from './lib/log.ts';
import { median, roundTo } from './lib/stats.ts';
import { referencePlan } from './recovery/overhead.ts';
import { scaledPlan } from './recovery/scaled-plan.ts';

/**
 * World time, measured (issue 12 item 3): does the world keep its simulated time honest while
 * handlers run, at every scale it accepts?
 *
 * - `after`: how late (simulated ms) `world.after(10, ...)` fires while a failover's handlers run.
 * - `large`: a hand failover of a 10-database, 50-service plan at scale 200: outcome, simulated
 *   and wall seconds.
 * - `scales`: the same hand failover of the reference plan at several scales: outcome and RTO.
 * - `drift`: at scale 1, simulated minus wall seconds over a stretch with outside API calls (an
 *   SDK client that is not drctl, as the AWS CLI or `drctl status` would be).
 *
 * Usage: tsx bench/world-time.ts [--only after,large,scales,drift] [--runs N] [--drift-seconds N]
 * Prints one JSON object on stdout.
 */
interface Options {
  only: Set<string>;
  runs: number;
  driftSeconds: number;
  scales: number[];
}

function parse(argv: string[]): Options {
  const options: Options = {
    only: new Set(['after', 'large', 'scales', 'drift']),
    runs: 3,
    driftSeconds: 20,
    scales: [50, 200, 1000, 5000],
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--only') options.only = new Set(value.split(','));
    else if (flag === '--runs') options.runs = Number(value);
    else if (flag === '--drift-seconds') options.driftSeconds = Number(value);
    else if (flag === '--scales') options.scales = value.split(',').map(Number);
    else throw new Error(`unknown argument ${flag}`);
  }
  return options;
}

const failoverInput = (incidentId: string) => ({
  mode: 'failover',
  reason: 'bench: world time',
  incidentId,
  requestedBy: 'bench',
});

interface HandFailover {
  status: string;
  error: string | null;
  simulatedSeconds: number;
  wallSeconds: number;
}

/** Primary down, then a failover started by hand; resolves when the execution ends. */
async function handFailover(world: World, during?: (world: World) => void): Promise<HandFailover> {
  await world.runFor(120);
  world.faults.regionOutage();
  await world.runFor(5);
  const startedSim = world.clock.now();
  const startedWall = performance.now();
  const execution = world.stepFunctions.start(failoverInput(`bench-${startedSim}`));
  during?.(world);
  const ended = await world.stepFunctions.wait(execution.arn);
  return {
    status: ended.status,
    error: ended.error ?? null,
    simulatedSeconds: roundTo((world.clock.now() - startedSim) / 1000, 1),
    wallSeconds: roundTo((performance.now() - startedWall) / 1000, 2),
  };
}

async function withWorld<T>(plan: Plan, scale: number, seed: number, body: (w: World) => Promise<T>) {
  const world = await startWorld({ plan, scale, seed, schedule: false, alarmTrigger: false });
  try {
    return await body(world);
  } finally {
    await world.close();
  }
}

async function measureAfter(runs: number) {
  const lateness: number[] = [];
  for (let run = 1; run <= runs; run++) {
    progress(`after: run ${run} of ${runs}`);
    await withWorld(referencePlan(), 200, run, async (world) => {
      const samples: Promise<number>[] = [];
      await handFailover(world, (w) => {
        // Ten timers spread over the failover, while the handlers work.
        for (let i = 0; i < 10; i++) {
          samples.push(
            new Promise((resolve) => {
              w.after(i * 30, () => {
                const asked = w.clock.now();
                w.after(10, () => resolve(w.clock.now() - asked - 10_000));
              });
            }),
          );
        }
      });
      lateness.push(...(await Promise.all(samples)));
    });
  }
  return {
    what: 'simulated ms between the instant world.after(10) was due and the instant it ran',
    medianMs: median(lateness),
    maxMs: Math.max(...lateness),
    samples: lateness.length,
  };
}

async function measureLarge(runs: number) {
  const results: HandFailover[] = [];
  for (let run = 1; run <= runs; run++) {
    progress(`large: 10 databases + 50 services at scale 200, run ${run} of ${runs}`);
    results.push(await withWorld(scaledPlan(referencePlan(), 10, 50), 200, run, (w) => handFailover(w)));
  }
  return {
    what: 'hand failover of a 10-database, 50-service plan at scale 200',
    succeeded: results.filter((r) => r.status === 'SUCCEEDED').length,
    runs: results.length,
    medianSimulatedSeconds: median(results.map((r) => r.simulatedSeconds)),
    medianWallSeconds: median(results.map((r) => r.wallSeconds)),
    results,
  };
}

async function measureScales(scales: number[], runs: number) {
  const out: Record<string, unknown> = {};
  for (const scale of scales) {
    const results: HandFailover[] = [];
    for (let run = 1; run <= runs; run++) {
      progress(`scales: reference plan at scale ${scale}, run ${run} of ${runs}`);
      try {
        results.push(await withWorld(referencePlan(), scale, run, (w) => handFailover(w)));
      } catch (error) {
        results.push({
          status: 'REFUSED',
          error: (error as Error).message,
          simulatedSeconds: 0,
          wallSeconds: 0,
        });
      }
    }
    out[String(scale)] = {
      statuses: results.map((r) => r.status),
      medianSimulatedSeconds: median(results.map((r) => r.simulatedSeconds)),
      medianWallSeconds: median(results.map((r) => r.wallSeconds)),
      errors: results.map((r) => r.error).filter((e) => e !== null),
    };
  }
  return out;
}

async function measureDrift(seconds: number) {
  progress(`drift: scale 1 for ${seconds} wall seconds with an outside call every 200 ms`);
  return withWorld(referencePlan(), 1, 1, async (world) => {
    const client = new CloudWatchClient({
      region: world.plan.regions.dr,
      endpoint: world.endpoint,
      credentials: { accessKeyId: 'AKIAOUTSIDE', secretAccessKey: 'outside' },
      maxAttempts: 1,
    });
    const simStart = world.clock.now();
    const wallStart = performance.now();
    let calls = 0;
    while (performance.now() - wallStart < seconds * 1000) {
      await client.send(new DescribeAlarmsCommand({}));
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const wall = (performance.now() - wallStart) / 1000;
    const sim = (world.clock.now() - simStart) / 1000;
    client.destroy();
    return {
      what: 'simulated minus wall seconds at scale 1, with outside API calls',
      wallSeconds: roundTo(wall, 2),
      simulatedSeconds: roundTo(sim, 2),
      driftSeconds: roundTo(sim - wall, 2),
      driftPercent: roundTo(((sim - wall) / wall) * 100, 2),
      outsideCalls: calls,
    };
  });
}

const options = parse(process.argv.slice(2));
const figures: Record<string, unknown> = {};
if (options.only.has('after')) figures.after = await measureAfter(options.runs);
if (options.only.has('large')) figures.large = await measureLarge(options.runs);
if (options.only.has('scales')) figures.scales = await measureScales(options.scales, options.runs);
if (options.only.has('drift')) figures.drift = await measureDrift(options.driftSeconds);
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
