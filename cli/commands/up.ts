import { WORLD_SCALE_RANGE } from '../local/scale.ts';
import { removeWorldTempFolder } from '../local/world-temp.ts';
import { guarded, integerOption, parseCommandArgs } from '../terminal/args.ts';
import { watchInterrupts } from '../terminal/interrupt.ts';
import { loadCommandPlan } from '../terminal/plan-file.ts';
import { Progress } from '../terminal/progress.ts';
import { createStyle } from '../terminal/style.ts';

export const usage = 'up [--plan FILE] [--scale N] [--seed N] [--outage-after SECONDS] [--quiet]';

const HELP = `usage: drctl up [options]

Runs the local world (a simulated two-region AWS seeded from the plan) in the foreground until
Ctrl-C, and prints its endpoint and the environment that points the AWS CLI or an SDK at it.
Monitoring runs as in AWS (health checks, alarm, scheduled health monitor): with
--outage-after the primary region goes down at that simulated time and the failover starts by
itself, while you watch it with the AWS CLI or \`drctl status --endpoint URL\`.

options:
  --plan FILE   recovery plan (default ./drctl.plan.yaml)
  --scale N     simulated seconds per wall second (default 1: real time)
  --seed N      seed of the world's random choices (default 1)
  --outage-after SECONDS
                inject a primary-region outage after SECONDS of simulated time
  --quiet       do not print the world's events as they happen
  -h, --help    this help

Ctrl-C (or SIGTERM) closes the world, removes its temp files and exits 0; a second one exits at once.`;

const OPTIONS = {
  plan: { type: 'string' },
  scale: { type: 'string' },
  seed: { type: 'string' },
  'outage-after': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('up', args, OPTIONS, HELP);
  if ('exitCode' in parsed) return parsed.exitCode;
  const values = parsed.values;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  return guarded('up', async () => {
    const scale = integerOption('scale', values.scale, WORLD_SCALE_RANGE.min, WORLD_SCALE_RANGE.max) ?? 1;
    const seed = integerOption('seed', values.seed, 0, 2 ** 31 - 1);
    const outageAfter = integerOption('outage-after', values['outage-after'], 0, 7 * 24 * 3600);
    const plan = loadCommandPlan('up', values.plan);
    const { startWorld } = await import('../../local/index.ts');
    const { describeWorldEvent } = await import('../drill/world-events.ts');
    const { environmentLines, exampleCommands } = await import('../local/environment.ts');
    const interrupts = watchInterrupts();
    // Everything the CDK app deploys, the drill machine, drill name and evidence bucket included
    // (and the write canary when the plan enables it), so that drills can be tried against it too.
    const world = await startWorld({ plan, scale, drills: true, ...(seed === undefined ? {} : { seed }) });
    interrupts.onForce(() => removeWorldTempFolder(world));
    const style = createStyle(process.stdout.isTTY === true);
    const progress = new Progress(process.stdout, style, world.clock.now());
    console.log(
      `drctl up: local world for plan ${plan.name} (${plan.regions.primary} → ${plan.regions.dr}), scale ${scale}x`,
    );
    console.log(`endpoint: ${world.endpoint}`);
    console.log('\n# point the AWS CLI or an SDK at it:');
    for (const line of environmentLines(world)) console.log(line);
    console.log('\n# for example:');
    for (const line of exampleCommands(world)) console.log(line);
    if (outageAfter !== undefined) {
      console.log(`\nthe primary region ${plan.regions.primary} goes down at T+${outageAfter} s (simulated)`);
      world.after(outageAfter, () => world.faults.regionOutage());
    }
    console.log('\nCtrl-C stops the world.\n');
    const unsubscribe = values.quiet
      ? () => {}
      : world.events.subscribe((event) => {
          const line = describeWorldEvent(event, world);
          if (line) progress.line(event.at, line.tone, line.text);
        });
    // The world's servers do not hold the process open by themselves; this does, until a signal.
    const keepAlive = setInterval(() => {}, 60_000);
    await new Promise((resolve) => interrupts.signal.addEventListener('abort', resolve, { once: true }));
    const signal = interrupts.received();
    clearInterval(keepAlive);
    unsubscribe();
    await world.close();
    const { closeSharedEndpoints } = await import('../../local/index.ts');
    await closeSharedEndpoints();
    interrupts.dispose();
    console.log(`\ndrctl up: stopped (${signal})`);
    return 0;
  });
}
