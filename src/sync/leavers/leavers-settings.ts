/**
 * An IdP's leaver settings (docs/sync.md, "Leavers"), stored in its `config.leavers`: who is read
 * again through Microsoft Graph, who is blocked for inactivity, and how often the scheduled run goes.
 */
export interface LeaversSettings {
  /** Scheduled Graph refresh every N hours (needs Graph settings); null: off. */
  graphRefreshHours: number | null;
  /** The Graph refresh reads users not seen for this many days. */
  notSeenDays: number;
  /** Block users not seen for this many days; null: off. */
  blockNotSeenDays: number | null;
}

const DEFAULT_LEAVERS: LeaversSettings = {
  graphRefreshHours: null,
  notSeenDays: 30,
  blockNotSeenDays: null,
};

/** The inactivity rule alone runs once a day. */
const BLOCK_ONLY_INTERVAL_HOURS = 24;

/** The settings as they apply: stored keys over the defaults. */
export function leaversSettings(config: { leavers?: Partial<LeaversSettings> }): LeaversSettings {
  return { ...DEFAULT_LEAVERS, ...config.leavers };
}

/** Hours between scheduled runs of an IdP; null when neither rule is on. */
export function leaversIntervalHours(settings: LeaversSettings): number | null {
  if (settings.graphRefreshHours !== null) return settings.graphRefreshHours;
  return settings.blockNotSeenDays !== null ? BLOCK_ONLY_INTERVAL_HOURS : null;
}
