/**
 * The two reads of the raw environment that are not settings (settings go through the validated
 * config): a configuration document's `${env:NAME}` secret references (docs/config-as-code.md),
 * and the config command, which applies the document it is given instead of CONFIG_FILE.
 */
export const referenceEnvironment = (): NodeJS.ProcessEnv => process.env;

/** Called by `npm run config` before the app reads its settings. */
export function dropStartupDocument(): void {
  delete process.env.CONFIG_FILE;
}
