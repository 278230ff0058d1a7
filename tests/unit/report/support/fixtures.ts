import { readFileSync } from 'node:fs';
import { parseRunReport } from '../../../../report/load.ts';
import type { RunReport } from '../../../../report/schema.ts';

export type FixtureName = 'failover-succeeded' | 'failover-failed' | 'dry-run' | 'failover-fenced';

export function fixturePath(name: FixtureName): string {
  return new URL(`../fixtures/${name}.json`, import.meta.url).pathname;
}

/** A fresh, validated copy of a hand-written report (tests may change it freely). */
export function loadFixture(name: FixtureName): RunReport {
  return parseRunReport(JSON.parse(readFileSync(fixturePath(name), 'utf8')), name);
}
