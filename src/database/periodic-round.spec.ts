import { Logger } from '@nestjs/common';
import { PeriodicRound } from './periodic-round';

/** A promise the test settles by hand. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** A logger whose warnings the test reads instead of printing. */
function capturedLogger() {
  const logger = new Logger('PeriodicRoundSpec');
  const warnings: unknown[] = [];
  jest.spyOn(logger, 'warn').mockImplementation((message: unknown) => void warnings.push(message));
  return { logger, warnings };
}

/** Rounds named "Spec round" whose warnings the test reads; `calls` counts the rounds started. */
function specRounds(everyMs: number, body: (call: number) => Promise<void>) {
  const { logger, warnings } = capturedLogger();
  const counter = { calls: 0 };
  const rounds = new PeriodicRound({
    name: 'Spec round',
    logger,
    everyMs,
    round: () => body(++counter.calls),
  });
  return { rounds, warnings, counter };
}

describe('PeriodicRound', () => {
  afterEach(() => jest.useRealTimers());

  it('a round that throws is logged and the timer goes on', async () => {
    jest.useFakeTimers();
    const { rounds, warnings, counter } = specRounds(1000, async (call) => {
      if (call <= 2) throw new Error(`boom ${call}`);
    });
    rounds.start();
    await jest.advanceTimersByTimeAsync(3000);
    expect(counter.calls).toBe(3);
    expect(warnings).toEqual([
      { msg: 'Spec round failed', cause: 'boom 1' },
      { msg: 'Spec round failed', cause: 'boom 2' },
    ]);
    await rounds.stop();
  });

  it('one round at a time per process: ticks while a round runs start nothing', async () => {
    const held = gate();
    const { rounds, counter } = specRounds(0, () => held.promise);
    const first = rounds.tick();
    expect(rounds.tick()).toBe(first);
    expect(rounds.tick()).toBe(first);
    held.open();
    await first;
    expect(counter.calls).toBe(1);
    await rounds.tick(); // the last round is over: a tick starts the next one
    expect(counter.calls).toBe(2);
  });

  it('stop waits for the round in flight, and no round starts after it', async () => {
    jest.useFakeTimers();
    const held = gate();
    const order: string[] = [];
    const { rounds, counter } = specRounds(1000, async () => {
      order.push('round started');
      await held.promise;
      order.push('round finished');
    });
    rounds.start();
    await jest.advanceTimersByTimeAsync(1000);
    const stopped = rounds.stop().then(() => order.push('stopped'));
    await jest.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['round started']);
    held.open();
    await stopped;
    expect(order).toEqual(['round started', 'round finished', 'stopped']);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(counter.calls).toBe(1);
  });

  it('an interval of 0 starts no timer; `exclusive` without a lock is a mistake, not a silent run', async () => {
    jest.useFakeTimers();
    const { rounds, counter } = specRounds(0, async () => undefined);
    rounds.start();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(counter.calls).toBe(0);
    let ran = false;
    await expect(rounds.exclusive(async () => void (ran = true))).rejects.toThrow(
      'Spec round: exclusive() needs the lock option',
    );
    expect(ran).toBe(false);
    await rounds.stop();
  });
});
