import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReportSchema } from '../../../report/schema.ts';
import { REPO_ROOT, scratchDirectory } from './run-cli.ts';

/**
 * Ctrl-C during a drill, as a terminal sends it: the process gets the signal while the world
 * runs. Each drill gets its own TMPDIR, so "nothing left behind" is about this drill alone.
 */
interface Interrupted {
  code: number | null;
  output: string;
  tmpLeft: string[];
}

function interruptDrill(
  signal: NodeJS.Signals,
  when: RegExp,
  args: string[],
  dir: string,
): Promise<Interrupted> {
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'cli/bin.ts', 'drill', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let sent = false;
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (!sent && when.test(output)) {
        sent = true;
        child.kill(signal);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, output, tmpLeft: readdirSync(tmp).filter((name) => name.startsWith('drctl-world-')) }),
    );
  });
}

describe.concurrent('drctl drill stopped by a signal', () => {
  it('Ctrl-C during the failover: one line, the partial report, exit 130, no temp folder', async () => {
    // Prepare
    const dir = scratchDirectory();
    const json = join(dir, 'interrupted.json');

    // Act
    const result = await interruptDrill(
      'SIGINT',
      /Promote orders: started/,
      ['--scale', '100', '--json', json],
      dir,
    );

    // Assess
    expect(result.code, result.output).toBe(130);
    const line = result.output.split('\n').find((l) => l.startsWith('drctl drill: interrupted by SIGINT'));
    expect(line).toMatch(
      /while execution [0-9a-f-]{36} was running \(T\+\d\d:\d\d; running: .*Promote orders/,
    );
    expect(line).toContain(`partial report: ${json}`);
    expect(result.tmpLeft).toEqual([]);
    const report = runReportSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
    expect(report.execution.status).toBe('RUNNING');
    expect(report.outcome).toBe('running');
    expect(report.interrupted?.signal).toBe('SIGINT');
    expect(report.rto.seconds).toBeNull();
    expect(readFileSync(join(dir, 'interrupted.html'), 'utf8')).toContain('id="interrupted"');
    expect(result.output).not.toMatch(/\n\s+at /);
  });

  it('SIGTERM before any execution: says nothing had changed, writes no report, exits 143', async () => {
    // Prepare
    const dir = scratchDirectory();
    const json = join(dir, 'never.json');

    // Act
    const result = await interruptDrill('SIGTERM', /^write stream:/m, ['--scale', '20', '--json', json], dir);

    // Assess
    expect(result.code, result.output).toBe(143);
    expect(result.output).toMatch(
      /drctl drill: interrupted by SIGTERM while waiting for a monitoring baseline \(T\+\d\d:\d\d\); nothing had changed; no report: no execution had started/,
    );
    expect(existsSync(json)).toBe(false);
    expect(result.tmpLeft).toEqual([]);
  });
});
