import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClock, type SimClock } from '../../../local/clock.ts';
import { callerOf } from '../../../local/protocol/caller.ts';
import { type InvocationTimes, invocationTimes } from '../../../local/stepfunctions/invocation-time.ts';

const OVERHEAD_MS = 100;
const LATENCY_MS = 150;
let clock: SimClock;
let times: InvocationTimes;
let server: Server;
let url: string;

/** One API call to a server that charges its latency as the world's API server does. */
function call(headers: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end('{}');
  });
}

beforeEach(async () => {
  // Scale 1: the only simulated time that passes is the modelled costs and a few real ms.
  clock = createClock({ scale: 1 });
  times = invocationTimes(clock, OVERHEAD_MS);
  server = createServer((req, res) => {
    req.resume();
    times.chargeApiCall(callerOf(req), LATENCY_MS).then(() => res.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterEach(async () => {
  clock.stop();
  await new Promise((resolve) => server.close(resolve));
});

describe('the modelled time of Lambda invocations', () => {
  it('overlaps concurrent invocations, as AWS runs them in parallel, instead of adding them up', async () => {
    // Prepare
    const start = clock.now();
    const threeCalls = async () => {
      for (let i = 0; i < 3; i++) await call();
    };

    // Act
    await Promise.all([times.run(threeCalls), times.run(threeCalls), times.run(threeCalls)]);
    const elapsed = clock.now() - start;

    // Assess: one invocation's cost (100 + 3 × 150 ms) and some real ms, not three of them.
    expect(elapsed).toBeGreaterThanOrEqual(OVERHEAD_MS + 3 * LATENCY_MS);
    expect(elapsed).toBeLessThan(2 * (OVERHEAD_MS + 3 * LATENCY_MS));
  });

  it('charges a call from outside the process to the world only when drctl marked it', async () => {
    // Prepare
    const start = clock.now();

    // Act
    for (let i = 0; i < 10; i++) await call({ 'user-agent': 'aws-cli/1.45 Python/3.11' });
    const outside = clock.now() - start;
    for (let i = 0; i < 4; i++) await call({ 'user-agent': 'aws-sdk-js/3 drctl-call/required' });
    const marked = clock.now() - start - outside;

    // Assess
    expect(outside).toBeLessThan(LATENCY_MS);
    expect(marked).toBeGreaterThanOrEqual(4 * LATENCY_MS);
  });
});

describe("a handler's sleeps", () => {
  const SLEEP_MS = 5_000;
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  it('are charged to the invocation, as the SDK back-off between retries, not slept in wall time', async () => {
    // Prepare
    const start = clock.now();
    const wallStart = performance.now();

    // Act
    await times.run(() => sleep(SLEEP_MS));

    // Assess: five simulated seconds have passed, in well under one wall second.
    expect(clock.now() - start).toBeGreaterThanOrEqual(OVERHEAD_MS + SLEEP_MS);
    expect(performance.now() - wallStart).toBeLessThan(1_000);
  });

  it('run what the world has due meanwhile first, at its own instant', async () => {
    // Prepare
    const start = clock.now();
    const ranAt: number[] = [];
    clock.schedule(start + 2_000, (dueAt) => ranAt.push(dueAt, clock.now()));

    // Act
    const wokeAt = await times.run(async () => {
      await sleep(SLEEP_MS);
      return clock.now();
    });

    // Assess
    expect(ranAt).toEqual([start + 2_000, start + 2_000]);
    expect(wokeAt).toBeGreaterThanOrEqual(start + OVERHEAD_MS + SLEEP_MS);
  });

  it('leave any other timer on the wall clock: a request timeout still guards a request in wall time', async () => {
    // Prepare
    const wallStart = performance.now();

    // Act: a timeout's callback does more than resolve a promise.
    const firedAfter = await times.run(
      () => new Promise<number>((resolve) => setTimeout(() => resolve(performance.now() - wallStart), 200)),
    );

    // Assess
    expect(firedAfter).toBeGreaterThanOrEqual(190);
  });

  it('outside an invocation are slept in wall time', async () => {
    // Prepare
    const wallStart = performance.now();

    // Act
    await sleep(200);

    // Assess
    expect(performance.now() - wallStart).toBeGreaterThanOrEqual(190);
  });

  it('that are cleared never wake', async () => {
    // Prepare
    let woke = false;

    // Act
    await times.run(async () => {
      let handle: NodeJS.Timeout | undefined;
      void new Promise((resolve) => {
        handle = setTimeout(resolve, SLEEP_MS);
      }).then(() => {
        woke = true;
      });
      clearTimeout(handle);
      await sleep(SLEEP_MS * 2);
    });

    // Assess
    expect(woke).toBe(false);
  });
});
