import { chromium, type BrowserServer } from 'playwright-core';
import { ensureBuilt, startService, type RunningService } from './service';
import { CHROMIUM_OPTIONS, SHARED_RUN_ENV, type SharedRun } from './shared-run';

/** Kept in the Jest main process for global-teardown.ts. */
export interface SharedRunHandles {
  service?: RunningService;
  server?: BrowserServer;
}
export const handles = globalThis as { groupsyncBrowserRun?: SharedRunHandles };

/**
 * Jest globalSetup of the browser project (runs only when a browser file is in the run): builds the
 * service when stale, then starts one service and one Chromium for every browser file. Starting them
 * per file cost a service boot and a Chromium per file (and a Chromium per page). Each file works in
 * its own workspaces and browser contexts, so files stay independent. A failure is published instead
 * of thrown: the browser files then fail with it, and the other projects of the run still run.
 */
export default async function setUpSharedRun(): Promise<void> {
  const started = Date.now();
  const run: SharedRunHandles = {};
  handles.groupsyncBrowserRun = run;
  let published: SharedRun;
  try {
    ensureBuilt();
    const [service, server] = await Promise.allSettled([
      startService(),
      chromium.launchServer({ ...CHROMIUM_OPTIONS, host: '127.0.0.1' }),
    ]);
    if (service.status === 'fulfilled') run.service = service.value;
    if (server.status === 'fulfilled') run.server = server.value;
    if (service.status === 'rejected') throw service.reason;
    if (server.status === 'rejected') throw server.reason;
    published = {
      base: service.value.base,
      token: service.value.token,
      wsEndpoint: server.value.wsEndpoint(),
    };
  } catch (error) {
    published = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  process.env[SHARED_RUN_ENV] = JSON.stringify(published);
  process.stdout.write(
    `browser suite: shared service and Chromium ${'error' in published ? 'FAILED' : 'ready'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
