import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { type BenchOptions, type FigureKey, parseBenchArgs } from './lib/args.ts';
import { progress } from './lib/log.ts';
import { REPO_ROOT } from './lib/timed-process.ts';
import { worldUnavailableReason } from './recovery/availability.ts';
import type { BenchResults, Outcome } from './results.ts';
import { measureStartup } from './startup/measure.ts';
import { isDrillPlaceholder, timeNpmScript, timeTestSuite } from './suite/wall-clock.ts';

type Figures = BenchResults['figures'];

/** One figure failing to measure must not hide the others: its error becomes its value. */
async function attempt<T extends object>(
  what: string,
  measure: () => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  try {
    return await measure();
  } catch (error) {
    progress(`${what} failed: ${(error as Error).stack ?? String(error)}`);
    return { error: (error as Error).message };
  }
}

const measurers: Record<FigureKey, (options: BenchOptions, figures: Figures) => Promise<void>> = {
  overhead: async (options, figures) => {
    figures.orchestrationOverhead = await attempt('orchestration overhead', async () => {
      const reason = worldUnavailableReason();
      if (reason) return { unavailable: reason };
      const { measureOverhead } = await import('./recovery/overhead.ts');
      return measureOverhead({ runs: options.worldRuns, scale: options.worldScale });
    });
  },
  detection: async (options, figures) => {
    figures.detection = await attempt('detection', async () => {
      const reason = worldUnavailableReason();
      if (reason) return { unavailable: reason };
      const { measureDetection } = await import('./recovery/detection.ts');
      return measureDetection({ runs: Math.max(options.worldRuns, 4) });
    });
  },
  scale: async (options, figures) => {
    figures.scale = await attempt('scale', async () => {
      const reason = worldUnavailableReason();
      if (reason) return { unavailable: reason };
      const { measureScale } = await import('./recovery/scale.ts');
      return measureScale({ runs: options.worldRuns, scale: options.worldScale });
    });
  },
  startup: async (options, figures) => {
    figures.functionStartup = await attempt('function start-up', () =>
      measureStartup({ runs: options.startupRuns, outDir: resolve(REPO_ROOT, dirname(options.out)) }),
    );
  },
  drill: async (options, figures) => {
    figures.drill = await attempt('drill', async () => {
      const { last, ...figure } = await timeNpmScript('drill', options.drillRuns);
      if (isDrillPlaceholder(last))
        return { unavailable: 'cli/commands/drill.ts is still the placeholder (exit 2)' };
      return figure;
    });
  },
  cost: async (_options, figures) => {
    figures.cost = await attempt('cost', async () => {
      const reason = worldUnavailableReason();
      if (reason) return { unavailable: reason };
      const { measureCost } = await import('./recovery/cost.ts');
      return measureCost();
    });
  },
  tests: async (options, figures) => {
    figures.testSuite = await attempt('npm test', () => timeTestSuite(options.testRuns));
  },
};

async function main(argv: string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const started = Date.now();
  const figures: Figures = {};
  for (const key of options.figures) {
    progress(`figure ${key}`);
    await measurers[key](options, figures);
  }
  const cpu = cpus();
  const results: BenchResults = {
    schema: 'drctl-bench/1',
    generatedAt: new Date().toISOString(),
    command: ['npx tsx bench/run.ts', ...argv].join(' '),
    durationSeconds: Math.round((Date.now() - started) / 100) / 10,
    machine: {
      node: process.version,
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? 'unknown',
      platform: process.platform,
      arch: process.arch,
    },
    figures,
  };
  const json = JSON.stringify(results, null, 2);
  const out = resolve(REPO_ROOT, options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${json}\n`);
  process.stdout.write(`${json}\n`);
  progress(`wrote ${out} in ${results.durationSeconds} s`);
  // Figures are information, not a verdict: bench:check judges them.
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
