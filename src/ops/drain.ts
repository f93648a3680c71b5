import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * In-flight requests, for a graceful stop: on SIGTERM the server stops accepting, readiness turns
 * 503, and the process waits (bounded) until every request that had started has answered, so a
 * sign-in or a SCIM write that was running completes instead of being cut off mid-transaction.
 */
@Injectable()
export class ShutdownDrain {
  private inFlight = 0;
  private stopping = false;
  private idleWaiters: (() => void)[] = [];

  get draining(): boolean {
    return this.stopping;
  }

  get active(): number {
    return this.inFlight;
  }

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    this.inFlight++;
    // A keep-alive client is told to reconnect (to another process) once we are stopping.
    if (this.stopping) res.setHeader('Connection', 'close');
    let done = false;
    res.on('close', () => {
      if (done) return;
      done = true;
      this.inFlight--;
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
    });
    next();
  };

  begin(): void {
    this.stopping = true;
  }

  /** Resolves true once nothing is in flight, false when `timeoutMs` passed first. */
  waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
