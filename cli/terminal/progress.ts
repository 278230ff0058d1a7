import { formatDuration } from '../../report/format.ts';
import type { ReportStep } from '../../report/schema.ts';
import { STOPPED_EARLY } from '../../report/step-groups.ts';
import { safeText, terminalSafe } from './safe-text.ts';
import { offsetLabel, type Style } from './style.ts';

/**
 * Live progress of a run: one line per fact (outage, detection, each step as it starts and
 * ends), stamped with simulated time since the incident. On a terminal a status line under the
 * log shows the clock and the running steps; elsewhere (pipes, CI) only plain lines are written.
 */
export type Tone = 'good' | 'bad' | 'warn' | 'info';

export interface ProgressOutput {
  write(text: string): void;
}

export class Progress {
  private readonly seen = new Map<string, ReportStep['outcome']>();
  private readonly started = new Set<string>();
  private readonly pending = new Map<string, ReportStep>();
  private readonly printed = new Map<string, ReportStep['outcome']>();
  /** The failed attempt last announced per step, so a retry of the same error prints once. */
  private readonly retryShown = new Map<string, string>();
  private statusLine = '';
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: ProgressOutput,
    private readonly style: Style,
    /** Simulated ms the offsets count from (the outage, or the start of the run). */
    private origin: number,
  ) {}

  setOrigin(origin: number): void {
    this.origin = origin;
  }

  /** On a terminal: redraw the status line every `wallMs` with the current simulated time. */
  startStatus(now: () => number, wallMs = 100): void {
    if (!this.style.tty) return;
    this.ticker = setInterval(() => this.drawStatus(now()), wallMs);
    this.ticker.unref();
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.clearStatus();
  }

  /** One fact; `text` may come from files, names or AWS: its control characters are escaped. */
  line(at: number, tone: Tone, text: string): void {
    this.emit(at, tone, safeText(text));
  }

  /** A line whose text drctl built from already-escaped parts (it may carry styling). */
  private emit(at: number, tone: Tone, text: string): void {
    this.clearStatus();
    const mark = {
      good: this.style.green('✔'),
      bad: this.style.red('✖'),
      warn: this.style.yellow('!'),
      info: '·',
    }[tone];
    this.out.write(`${this.style.dim(offsetLabel((at - this.origin) / 1000))}  ${mark} ${text}\n`);
  }

  /** Plain text without a time stamp (headers, notes). */
  note(text: string): void {
    this.clearStatus();
    this.out.write(`${safeText(text)}\n`);
  }

  /**
   * Prints what changed since the last call: steps started, steps ended with their outcome.
   * A step that polls (start, then status checks) looks ended between two checks, so its end
   * is printed once the execution has moved on (a step started after it ended), has ended, or
   * no status check followed within `quietMs` (longer than the plan's longest poll interval).
   */
  steps(history: readonly ReportStep[], options: { final: boolean; now: number; quietMs: number }): void {
    const { final, now, quietMs } = options;
    // Step names and errors come from the execution history: made safe once, then styled.
    const steps = terminalSafe(history);
    // Lines found in one look are printed in time order (starts and ends interleave).
    const batch: { at: number; tone: Tone; text: string }[] = [];
    for (const step of steps) {
      if (!this.started.has(step.step) && step.startedAt) {
        this.started.add(step.step);
        batch.push({
          at: Date.parse(step.startedAt),
          tone: 'info',
          text: `${this.style.bold(step.step)}: started`,
        });
      }
      this.seen.set(step.step, step.outcome);
      const retry = retryingLine(step, now);
      if (retry && this.retryShown.get(step.step) !== retry.key) {
        this.retryShown.set(step.step, retry.key);
        batch.push({ at: retry.at, tone: 'warn', text: retry.text });
      }
      if (step.outcome === 'running') this.pending.delete(step.step);
      else if (this.printed.get(step.step) !== step.outcome) this.pending.set(step.step, step);
    }
    const movedOn = (ended: ReportStep) =>
      steps.some(
        (other) =>
          other.step !== ended.step &&
          other.startedAt !== null &&
          ended.endedAt !== null &&
          Date.parse(other.startedAt) >= Date.parse(ended.endedAt),
      );
    const ready = [...this.pending.values()].filter(
      (step) => final || movedOn(step) || now - Date.parse(step.endedAt ?? '') >= quietMs,
    );
    for (const step of ready) {
      this.pending.delete(step.step);
      this.printed.set(step.step, step.outcome);
      batch.push(this.ended(step));
    }
    batch.sort((a, b) => a.at - b.at);
    for (const entry of batch) this.emit(entry.at, entry.tone, entry.text);
  }

  private ended(step: ReportStep): { at: number; tone: Tone; text: string } {
    const at = Date.parse(step.endedAt ?? step.startedAt ?? '') || this.origin;
    const took =
      step.startedAt && step.endedAt
        ? ` in ${formatDuration((Date.parse(step.endedAt) - Date.parse(step.startedAt)) / 1000)}`
        : '';
    const retries = step.retries > 0 ? ` after ${step.retries} retr${step.retries === 1 ? 'y' : 'ies'}` : '';
    const result = step.result ? `: ${step.result}` : '';
    if (step.outcome === 'succeeded') {
      // A fencing loop that ended with resources pending or failed did its part, not all of it.
      const partial = step.kind === 'fence' && /\b[1-9]\d* (pending|failed)\b/.test(step.result ?? '');
      return {
        at,
        tone: partial ? 'warn' : 'good',
        text: `${step.step}: ${succeededWord(step)}${took}${retries}${result}`,
      };
    }
    if (step.outcome === 'failed') {
      const reason = step.error ? `: ${step.error.name}: ${step.error.message}` : '';
      return { at, tone: 'bad', text: `${step.step}: ${this.style.red('FAILED')}${took}${retries}${reason}` };
    }
    if (step.outcome === 'skipped') return { at, tone: 'info', text: `${step.step}: skipped${result}` };
    if (stoppedEarly(step)) return { at, tone: 'warn', text: `${step.step}: ${STOPPED_EARLY}` };
    return { at, tone: 'warn', text: `${step.step}: outcome ${step.outcome}` };
  }

  /** Step names currently running (for the status line). */
  running(): string[] {
    return [...this.seen].filter(([, outcome]) => outcome === 'running').map(([step]) => step);
  }

  private drawStatus(now: number): void {
    const running = this.running();
    const text = `  ${offsetLabel((now - this.origin) / 1000)}  ${running.length > 0 ? `running: ${running.join(', ')}` : 'waiting…'}`;
    const width = process.stdout.columns || 100;
    this.statusLine = this.style.dim(text.slice(0, Math.max(10, width - 1)));
    this.out.write(`\r\x1b[2K${this.statusLine}`);
  }

  private clearStatus(): void {
    if (!this.statusLine) return;
    this.out.write('\r\x1b[2K');
    this.statusLine = '';
  }
}

/**
 * A step between two attempts: the last one failed and Step Functions tries again (its Retry),
 * which is not a failure of the step. One line per distinct error.
 */
function retryingLine(step: ReportStep, now: number): { key: string; at: number; text: string } | null {
  if (step.outcome !== 'running' || !step.error) return null;
  const { name, message } = step.error;
  return {
    key: `${name}: ${message}`,
    at: now,
    text: `${step.step}: retrying after ${name}: ${message}`,
  };
}

/** A decision loop ends whatever was decided (or nobody decided): it "ended", not "succeeded". */
export function succeededWord(step: Pick<ReportStep, 'kind'>): string {
  return step.kind === 'decision'
    ? 'ended'
    : step.kind === 'preflight' || step.kind === 'confirm'
      ? 'done'
      : 'succeeded';
}

/** A step a failure elsewhere in the run stopped (its outcome is unknown, its detail says why). */
export function stoppedEarly(step: Pick<ReportStep, 'outcome' | 'detail'>): boolean {
  return step.outcome === 'unknown' && (step.detail?.startsWith(STOPPED_EARLY) ?? false);
}
