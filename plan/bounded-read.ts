import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { fileReadReason } from './value-preview.ts';

/** Why a file was not read: each reader words it for its own file (a plan, plan.json, a report). */
export type BoundedReadFailure =
  | { kind: 'unreadable'; reason: string }
  | { kind: 'folder' }
  /** `bytes`: the file's size, or what was read when that is more (a pipe, a growing file). */
  | { kind: 'too-large'; bytes: number };

const CHUNK_BYTES = 1024 * 1024;

/**
 * A file's UTF-8 text, refusing a folder, and a file over `limitBytes` after reading at most one
 * byte past the limit (a pipe or a growing file has no trustworthy size, so the size alone does
 * not decide). Every failure goes through `refuse`, which returns the error to throw.
 */
export function readBoundedText(
  path: string,
  limitBytes: number,
  refuse: (failure: BoundedReadFailure) => Error,
): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw refuse({ kind: 'unreadable', reason: fileReadReason(error) });
  }
  let outcome: string | BoundedReadFailure;
  try {
    outcome = readOpen(fd, limitBytes);
  } catch (error) {
    outcome = { kind: 'unreadable', reason: fileReadReason(error) };
  } finally {
    closeSync(fd);
  }
  if (typeof outcome !== 'string') throw refuse(outcome);
  return outcome;
}

function readOpen(fd: number, limitBytes: number): string | BoundedReadFailure {
  const stat = fstatSync(fd);
  if (stat.isDirectory()) return { kind: 'folder' };
  if (stat.size > limitBytes) return { kind: 'too-large', bytes: stat.size };
  const chunks: Buffer[] = [];
  let length = 0;
  for (;;) {
    const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, limitBytes + 1 - length));
    const read = readSync(fd, chunk, 0, chunk.length, null);
    if (read === 0) break;
    chunks.push(chunk.subarray(0, read));
    length += read;
    if (length > limitBytes) return { kind: 'too-large', bytes: Math.max(stat.size, length) };
  }
  return Buffer.concat(chunks, length).toString('utf8');
}
