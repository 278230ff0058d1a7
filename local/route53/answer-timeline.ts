/**
 * The answers Route 53's authoritative servers gave for one name over time, and what a client
 * behind a caching resolver gets, worst case: a cache filled just before an answer changed keeps
 * the old answer for its whole TTL, so a new answer reaches every client only once the previous
 * answer's TTL has run out after the change (RFC 1035 section 3.2.1: TTL is how long an answer
 * may be cached).
 */
export interface Answer {
  /** Simulated ms the authoritative servers started giving this answer. */
  at: number;
  /** The value answered (a CNAME target), or undefined for no answer. */
  value: string | undefined;
  ttl: number;
}

export class AnswerTimeline {
  private readonly answers: Answer[];

  constructor(initial: { value: string | undefined; ttl: number }) {
    this.answers = [{ at: Number.NEGATIVE_INFINITY, ...initial }];
  }

  /** The authoritative answer now. */
  current(): Answer {
    return this.answers.at(-1) as Answer;
  }

  /** Records a new authoritative answer; returns false when nothing changed. */
  change(at: number, value: string | undefined, ttl: number): boolean {
    const last = this.current();
    if (last.value === value && last.ttl === ttl) return false;
    this.answers.push({ at, value, ttl });
    // Bounded: only the answers a cache could still hold matter; a day of flapping is plenty.
    if (this.answers.length > 10_000) this.answers.splice(1, this.answers.length - 10_000);
    return true;
  }

  /**
   * Every value some client may hold at `at`: the authoritative answer, and each earlier answer
   * whose cached copy is still within its TTL (a client that resolved just before it changed).
   */
  valuesAt(at: number): Set<string> {
    const values = new Set<string>();
    for (let i = this.answers.length - 1; i >= 0; i--) {
      const answer = this.answers[i] as Answer;
      const next = this.answers[i + 1];
      if (answer.at > at) continue;
      // Current until the next answer replaced it; cached for its TTL after that.
      const lastCurrentAt = next === undefined || next.at > at ? at : next.at;
      if (lastCurrentAt + answer.ttl * 1000 < at) break;
      if (answer.value !== undefined) values.add(answer.value);
    }
    return values;
  }

  /** The answer every client has at `at`, worst case (see above). */
  clientView(at: number): Answer {
    for (let i = this.answers.length - 1; i > 0; i--) {
      const answer = this.answers[i] as Answer;
      const previous = this.answers[i - 1] as Answer;
      if (answer.at + previous.ttl * 1000 <= at) return answer;
    }
    return this.answers[0] as Answer;
  }
}
