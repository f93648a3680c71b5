import type { CertificateInfo, IdentityProvider } from '../api/types';

/**
 * Form logic of the identity-provider page: certificate wording, the alerts the overview shows,
 * and the policy form (default memberships, grace period, leavers) turned into a PATCH body.
 */

/** A metadata URL typed where the XML goes: the service reads it, now and on a schedule. */
export const isMetadataUrl = (text: string) => /^https?:\/\/\S+$/i.test(text.trim());

/** "expires 2027-03-01 (in 89 days)", "expired 2026-11-20 (11 days ago)". */
export function certificateLine(cert: CertificateInfo): string {
  const date = cert.notAfter.slice(0, 10);
  if (cert.daysLeft < 0) return `expired ${date} (${-cert.daysLeft} days ago)`;
  if (cert.daysLeft === 0) return `expires ${date} (today)`;
  return `expires ${date} (in ${cert.daysLeft} day${cert.daysLeft === 1 ? '' : 's'})`;
}

export interface IdpAlert {
  slug: string;
  message: string;
}

/** What needs the admin: certificates ending within 30 days or ended, a metadata URL that fails. */
export function idpAlerts(idps: readonly IdentityProvider[]): IdpAlert[] {
  const alerts: IdpAlert[] = [];
  for (const idp of idps) {
    const name = idp.name || idp.slug;
    const last = [...(idp.signingCertificates ?? [])].sort((a, b) => b.daysLeft - a.daysLeft)[0];
    if (idp.certificateWarning === 'expired')
      alerts.push({
        slug: idp.slug,
        message: `${name}: every signing certificate has expired, so its sign-ins are refused. Add the IdP's new certificate.`,
      });
    else if (idp.certificateWarning === 'expiring' && last)
      alerts.push({
        slug: idp.slug,
        message: `${name}: the signing certificate ${certificateLine(last)}. Add the IdP's new certificate before then.`,
      });
    if (idp.metadataRefresh?.error)
      alerts.push({
        slug: idp.slug,
        message: `${name}: its metadata URL could not be read (${idp.metadataRefresh.error}); the last good settings stay in use.`,
      });
  }
  return alerts;
}

/** The workspace's groups, to write default memberships by name. */
interface GroupRef {
  id: string;
  name: string;
}

export interface PolicyForm {
  graceHours: string;
  /** One "group name = role" a line (a group id works too). */
  defaults: string;
  removeDefaultsOnMatch: boolean;
  graphRefreshHours: string;
  notSeenDays: string;
  blockNotSeenDays: string;
}

export function policyForm(idp: IdentityProvider, groups: readonly GroupRef[] = []): PolicyForm {
  const text = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));
  const names = new Map(groups.map((g) => [g.id, g.name]));
  return {
    graceHours: text(idp.groupSync.removalGraceHours),
    defaults: (idp.groupSync.defaultMemberships ?? [])
      .map((d) => `${names.get(d.groupId) ?? d.groupId} = ${d.role}`)
      .join('\n'),
    removeDefaultsOnMatch: idp.groupSync.removeDefaultsOnMatch ?? false,
    graphRefreshHours: text(idp.leavers?.graphRefreshHours),
    notSeenDays: text(idp.leavers?.notSeenDays),
    blockNotSeenDays: text(idp.leavers?.blockNotSeenDays),
  };
}

export interface PolicyPatch {
  groupSync: {
    removalGraceHours: number;
    defaultMemberships: { groupId: string; role: string }[];
    removeDefaultsOnMatch: boolean;
  };
  leavers: { graphRefreshHours: number | null; notSeenDays?: number; blockNotSeenDays: number | null };
}

/** The PATCH body, or the problems by field. Empty means 0 (grace) or off (leavers). */
export function policyPatch(
  form: PolicyForm,
  groups: readonly GroupRef[] = [],
): { body: PolicyPatch } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const ids = new Map(groups.map((g) => [g.name.toLowerCase(), g.id]));
  const whole = (field: string, value: string): number | null => {
    if (value.trim() === '') return null;
    if (!/^\d+$/.test(value.trim())) {
      errors[field] = 'A whole number, or empty';
      return null;
    }
    return Number(value.trim());
  };
  const defaults = form.defaults
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const cut = line.lastIndexOf('=');
      const group = cut > 0 ? line.slice(0, cut).trim() : '';
      const role = cut > 0 ? line.slice(cut + 1).trim() : '';
      if (!group || !role) errors.defaults = `"${line}": write one "group name = role" a line`;
      return { groupId: ids.get(group.toLowerCase()) ?? group, role };
    });
  const body: PolicyPatch = {
    groupSync: {
      removalGraceHours: whole('graceHours', form.graceHours) ?? 0,
      defaultMemberships: defaults,
      removeDefaultsOnMatch: form.removeDefaultsOnMatch,
    },
    leavers: {
      graphRefreshHours: whole('graphRefreshHours', form.graphRefreshHours),
      blockNotSeenDays: whole('blockNotSeenDays', form.blockNotSeenDays),
    },
  };
  const notSeen = whole('notSeenDays', form.notSeenDays);
  if (notSeen !== null) body.leavers.notSeenDays = notSeen;
  return Object.keys(errors).length > 0 ? { errors } : { body };
}
