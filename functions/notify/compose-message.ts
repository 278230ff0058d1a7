import type { Step } from '../shared/contracts.ts';

/** SNS allows 262,144 bytes per message; keep room for the subject and message attributes. */
export const MAX_MESSAGE_BYTES = 256_000;
const TRUNCATION_NOTE =
  '\n[message cut to fit the SNS size limit; the full timeline is in the execution history]';

/** Summary first (what a person reads on a phone), then the timeline as JSON for tools and the report. */
export function composeMessage(summary: string, timeline: Step[]): string {
  const pretty = `${summary}\n\nTimeline (JSON):\n${JSON.stringify(timeline, null, 2)}\n`;
  if (byteLength(pretty) <= MAX_MESSAGE_BYTES) return pretty;
  const compact = `${summary}\n\nTimeline (JSON):\n${JSON.stringify(timeline)}\n`;
  if (byteLength(compact) <= MAX_MESSAGE_BYTES) return compact;
  return cutToBytes(compact, MAX_MESSAGE_BYTES - byteLength(TRUNCATION_NOTE)) + TRUNCATION_NOTE;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Cuts at a character boundary so that the result stays valid UTF-8. */
function cutToBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8').subarray(0, maxBytes);
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/\uFFFD+$/, '');
}
