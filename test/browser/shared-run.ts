import type { LaunchOptions } from 'playwright-core';

// The browser project's files share one built service and one Chromium, started once per Jest run
// by its globalSetup (global-setup.ts) and published to the workers through this variable.
export const SHARED_RUN_ENV = 'GROUPSYNC_BROWSER_RUN';

/** What the workers read: where the shared service and Chromium listen, or why they did not start. */
export type SharedRun = { base: string; token: string; wsEndpoint: string } | { error: string };

/** Debian's chromium, as the machine notes say to launch it (no browser download is possible here). */
export const CHROMIUM_OPTIONS: LaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

/** The shared run of this Jest run, or null when none was started (the file starts its own). */
export function sharedRun(): SharedRun | null {
  const published = process.env[SHARED_RUN_ENV];
  return published ? (JSON.parse(published) as SharedRun) : null;
}
