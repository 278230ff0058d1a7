import { WallDate } from '../../../local/index.ts';
import { createRandom, type Random } from '../../../local/rng.ts';
import { errorCode, type RawRequest, type RawResponse, rawRequest } from './raw-request.ts';

/**
 * Seeded, count-bounded fuzzing of the world's endpoint: random and mutated requests, as a
 * careless client or a broken script sends them. Every answer must be a valid answer or an
 * AWS-shaped 4xx error; the connection must never drop and nothing may answer 5xx (SDKs retry
 * those). A failing case prints its seed and request so that it can be replayed.
 */
export interface FuzzOptions {
  seed: number;
  /**
   * Wall milliseconds the fuzzing may take at most: a ceiling for a stuck run only. The run is
   * bounded by its request count, so that a seed sends the same requests on a loaded machine as
   * on an idle one and the assertions on what came back do not depend on the load.
   */
  budgetMs: number;
  maxRequests: number;
  generate: (random: Fuzz) => RawRequest;
}

export interface FuzzReport {
  requests: number;
  answered: Record<string, number>;
  problems: string[];
}

/**
 * The seed and bounds of a fuzz run: fixed in the suite; DRCTL_FUZZ_SEED, DRCTL_FUZZ_BUDGET_MS
 * and DRCTL_FUZZ_REQUESTS replay a reported case or fuzz for longer.
 */
export function fuzzBounds(seed: number): Pick<FuzzOptions, 'seed' | 'budgetMs' | 'maxRequests'> {
  const env = (name: string, fallback: number) => {
    const value = Number(process.env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return {
    seed: env('DRCTL_FUZZ_SEED', seed),
    budgetMs: env('DRCTL_FUZZ_BUDGET_MS', 30_000),
    maxRequests: env('DRCTL_FUZZ_REQUESTS', 600),
  };
}

export async function fuzz(endpoint: string, options: FuzzOptions): Promise<FuzzReport> {
  const random = new Fuzz(options.seed);
  const report: FuzzReport = { requests: 0, answered: {}, problems: [] };
  const started = WallDate.now();
  while (report.requests < options.maxRequests && WallDate.now() - started < options.budgetMs) {
    const request = options.generate(random);
    const response = await rawRequest(endpoint, request);
    report.requests++;
    const problem = judge(response);
    const outcome = problem ? 'problem' : response.status < 300 ? 'ok' : (errorCode(response) ?? 'error');
    report.answered[outcome] = (report.answered[outcome] ?? 0) + 1;
    if (problem && report.problems.length < 5) {
      report.problems.push(
        `seed ${options.seed}, request ${report.requests}: ${problem}\n  ${describe(request)}`,
      );
    }
  }
  return report;
}

function judge(response: RawResponse): string | undefined {
  if (response.failure) return `no answer: ${response.failure}`;
  if (response.status >= 500)
    return `answered ${response.status}: ${response.body.toString('utf8').slice(0, 300)}`;
  if (response.status >= 400 && errorCode(response) === undefined) {
    return `answered ${response.status} without an AWS error shape: ${response.body.toString('utf8').slice(0, 300)}`;
  }
  return undefined;
}

function describe(request: RawRequest): string {
  const body = request.body === undefined ? '' : Buffer.from(request.body).toString('utf8').slice(0, 300);
  const path = (request.path ?? '/').slice(0, 300);
  return `${request.method ?? 'POST'} ${path} ${JSON.stringify(request.headers ?? {}).slice(0, 300)} ${JSON.stringify(request.scope ?? null)} ${JSON.stringify(body)}`;
}

/** The values careless input is made of. */
export class Fuzz {
  readonly random: Random;
  constructor(seed: number) {
    this.random = createRandom(seed);
  }

  int(max: number): number {
    return Math.floor(this.random.next() * max);
  }

  chance(rate: number): boolean {
    return this.random.next() < rate;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** Names that have caught parsers out before. */
  key(): string {
    return this.pick([
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
      '__proto__.polluted',
      'constructor.prototype.polluted',
      '',
      '.',
      '..',
      'a.b.c.d.e.f.g.h',
      'member',
      'member.0',
      'member.99999999',
      '%zz',
      'ключ',
      '\u0000',
      this.word(),
    ]);
  }

  word(): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
    return Array.from({ length: 1 + this.int(12) }, () => this.pick([...alphabet])).join('');
  }

  string(): string {
    switch (this.int(9)) {
      case 0:
        return '';
      case 1:
        return 'x'.repeat(this.int(70_000));
      case 2:
        return '\u0000\u0007\u001b[31m\ud800';
      case 3:
        return '%E0%A4%A';
      case 4:
        return '<![CDATA[</x>]]>&amp;&lt;';
      case 5:
        return String(this.number());
      case 6:
        return 'not-an-ip';
      case 7:
        return this.key();
      default:
        return this.word();
    }
  }

  number(): number {
    return this.pick([
      0,
      -1,
      1,
      1e9,
      2 ** 31,
      2 ** 53,
      -(2 ** 53),
      1.5,
      Number.MAX_VALUE,
      1e-300,
      this.int(100),
    ]);
  }

  /** A random JSON value (objects with tricky keys, deep lists, wrong types). */
  json(depth = 0): unknown {
    const kind = this.int(depth > 3 ? 5 : 8);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.number();
      case 3:
      case 4:
        return this.string();
      case 5:
        return Array.from({ length: this.int(4) }, () => this.json(depth + 1));
      default: {
        const out: Record<string, unknown> = {};
        for (let i = this.int(5); i > 0; i--) {
          Object.defineProperty(out, this.key(), {
            value: this.json(depth + 1),
            enumerable: true,
            configurable: true,
            writable: true,
          });
        }
        return out;
      }
    }
  }

  /** Bytes changed as a flaky network or a broken serializer changes them. */
  mutate(bytes: Buffer): Buffer {
    const out = Buffer.from(bytes);
    switch (this.int(4)) {
      case 0:
        return out.subarray(0, this.int(out.length + 1));
      case 1: {
        for (let i = 1 + this.int(4); i > 0 && out.length > 0; i--) out[this.int(out.length)] = this.int(256);
        return out;
      }
      case 2: {
        const at = this.int(out.length + 1);
        return Buffer.concat([out.subarray(0, at), Buffer.from(this.string()), out.subarray(at)]);
      }
      default:
        return Buffer.concat([out, out]);
    }
  }

  /** A JSON text nested so deep that recursive parsers overflow. */
  deep(depth = 50_000): string {
    return '['.repeat(depth) + ']'.repeat(depth);
  }
}

/** Whether anything reached Object.prototype (a polluted prototype breaks every object). */
export function prototypePolluted(): boolean {
  const probe = {} as Record<string, unknown>;
  return probe.polluted !== undefined || Object.keys(Object.prototype).length > 0;
}
