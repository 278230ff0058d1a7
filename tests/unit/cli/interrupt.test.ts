import { afterEach, describe, expect, it } from 'vitest';
import { InterruptedError, interruptExitCode, watchInterrupts } from '../../../cli/terminal/interrupt.ts';

describe('watchInterrupts', () => {
  let dispose: (() => void) | undefined;
  afterEach(() => dispose?.());

  it('ends a pending wait at the first signal with the signal named, and exits 128 + its number', async () => {
    // Prepare
    const interrupts = watchInterrupts();
    dispose = interrupts.dispose;
    const never = new Promise<never>(() => {});

    // Act
    const waiting = interrupts.race(never);
    process.emit('SIGTERM');

    // Assess
    await expect(waiting).rejects.toBeInstanceOf(InterruptedError);
    await expect(interrupts.race(Promise.resolve(1))).rejects.toThrow('interrupted by SIGTERM');
    expect(interrupts.received()).toBe('SIGTERM');
    expect(() => interrupts.check()).toThrow(InterruptedError);
    expect([interruptExitCode('SIGINT'), interruptExitCode('SIGTERM')]).toEqual([130, 143]);
  });

  it('passes results and errors through while no signal came, and counts a repeat within a second as the same signal', async () => {
    // Prepare
    const interrupts = watchInterrupts();
    dispose = interrupts.dispose;
    let forced = 0;
    interrupts.onForce(() => {
      forced++;
    });

    // Act
    const value = await interrupts.race(Promise.resolve('done'));
    const failure = await interrupts
      .race(Promise.reject(new Error('boom')))
      .catch((error: Error) => error.message);
    process.emit('SIGINT');
    process.emit('SIGINT'); // the same Ctrl-C, forwarded by npm: not a second one

    // Assess
    expect(value).toBe('done');
    expect(failure).toBe('boom');
    expect(interrupts.received()).toBe('SIGINT');
    expect(forced).toBe(0);
  });

  it('gives signals back to Node once disposed', () => {
    // Prepare
    const before = process.listenerCount('SIGINT');
    const interrupts = watchInterrupts();

    // Act
    interrupts.dispose();

    // Assess
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
