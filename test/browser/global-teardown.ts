import { handles } from './global-setup';

/** Jest globalTeardown of the browser project: stops what global-setup.ts started. */
export default async function tearDownSharedRun(): Promise<void> {
  const run = handles.groupsyncBrowserRun;
  await Promise.all([run?.server?.close(), run?.service?.stop()]);
}
