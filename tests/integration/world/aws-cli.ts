import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { World } from '../../../local/index.ts';

/**
 * The AWS CLI (v1 or v2, whichever is on PATH) as a second, independent client of the world's
 * protocols. Tests that use it skip cleanly when it is not installed.
 */
const run = promisify(execFile);

async function available(): Promise<boolean> {
  try {
    await run('aws', ['--version'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export const hasAwsCli = await available();

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `aws <args> --endpoint-url <world> --output json` with the world's credentials. */
export async function awsCli(world: World, args: string[]): Promise<CliResult> {
  const env = { ...process.env, ...world.env, AWS_PAGER: '' };
  try {
    const { stdout, stderr } = await run(
      'aws',
      [...args, '--endpoint-url', world.endpoint, '--output', 'json'],
      {
        env,
        timeout: 30_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}
