import { readIdpConfig } from '../../identity-providers/idp-config';
import { leaversIntervalHours, leaversSettings } from './leavers-settings';

describe('leaver settings', () => {
  it('reads stored keys over the defaults, and anything that is not an object as the defaults', () => {
    const off = { graphRefreshHours: null, notSeenDays: 30, blockNotSeenDays: null };
    expect(leaversSettings({})).toEqual(off);
    expect(leaversSettings(readIdpConfig({ leavers: null }))).toEqual(off);
    expect(leaversSettings(readIdpConfig({ leavers: 'x' }))).toEqual(off);
    expect(leaversSettings(readIdpConfig({ leavers: { notSeenDays: 'x', blockNotSeenDays: null } }))).toEqual(
      off,
    );
    expect(leaversSettings({ leavers: { notSeenDays: 7 } })).toEqual({ ...off, notSeenDays: 7 });
  });

  it('runs every graphRefreshHours, daily for the inactivity rule alone, never when both are off', () => {
    const settings = leaversSettings({});
    expect(leaversIntervalHours(settings)).toBeNull();
    expect(leaversIntervalHours({ ...settings, blockNotSeenDays: 90 })).toBe(24);
    expect(leaversIntervalHours({ ...settings, graphRefreshHours: 6 })).toBe(6);
    expect(leaversIntervalHours({ ...settings, graphRefreshHours: 48, blockNotSeenDays: 90 })).toBe(48);
  });
});
