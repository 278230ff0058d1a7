import { closeSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DrError, InvalidInputError } from '../../plan/errors.ts';
import { safeText } from './safe-text.ts';

/** A file name of the kind an option writes, for the hint when it is given a folder. */
export type OutputExample = 'report.json' | 'report.html' | 'history.html';

/**
 * Checks, before any run, that a report file can be written where the options say: the path is
 * not a folder, the folders above it are folders (missing ones will be created), and the
 * nearest existing one takes a new file (tried with a probe file that is removed at once, which
 * also catches read-only file systems, where permission bits say nothing). A real failover on
 * AWS must not be followed by a stack trace about the report's path.
 */
export function checkOutputFile(flag: string, path: string, example: OutputExample): void {
  const shown = safeText(path);
  const fail = (why: string): never => {
    throw new InvalidInputError(`${flag}: cannot write ${shown}: ${why}`, flag.replace(/^--/, ''));
  };
  const statOrUndefined = (at: string) => {
    try {
      return statSync(at);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      if (code === 'ENOTDIR') return fail('a part of the path is a file, not a folder');
      return fail(`cannot check ${safeText(at)} (${code ?? 'error'})`);
    }
  };
  if (path.trim() === '') fail('the path is empty');
  const absolute = resolve(path);
  const existing = statOrUndefined(absolute);
  // The hint names a file of the kind this option writes, in that folder.
  if (existing?.isDirectory())
    fail(`it is a folder; give a file name such as ${safeText(join(path, example))}`);
  if (existing && !existing.isFile()) fail('it is not a regular file');
  let folder = dirname(absolute);
  for (;;) {
    const stat = statOrUndefined(folder);
    if (stat) {
      if (!stat.isDirectory()) fail(`${safeText(folder)} is a file, not a folder`);
      break;
    }
    const parent = dirname(folder);
    if (parent === folder) fail('no folder of it exists');
    folder = parent;
  }
  const probe = join(folder, `.drctl-write-check-${process.pid}-${Date.now()}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? `${safeText(folder)} is not writable${code === 'EROFS' ? ' (read-only file system)' : ''}`
        : `${safeText(folder)} does not take new files (${code ?? 'error'})`,
    );
  }
}

/**
 * Runs a write that was checked beforehand; if it fails anyway (disk full, a folder removed
 * meanwhile), the error names the file and the reason instead of leaving a stack trace.
 */
export function writeOrExplain(path: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DrError(`cannot write ${safeText(path)}: ${code ?? safeText((error as Error).message)}`);
  }
}
