import type { IdentityProvider } from '../../identity-providers/identity-provider.entity';
import { oidcConfigOf, openIdpSecrets } from '../../identity-providers/idp-config';
import type { SecretBox } from '../../common/crypto';
import { ExternalGroups, GroupSyncPolicy, normalizeClaims } from '../engine';
import { fetchTransitiveGroups, GraphSettings } from './graph-groups.client';

const SAML_OBJECT_ID = 'http://schemas.microsoft.com/identity/claims/objectidentifier';

export interface GraphOutcome {
  attempted: true;
  complete: boolean;
  reason?: string;
  groups?: number;
}

/**
 * When Entra truncated the group claim and the IdP's policy says `overage: "graph"`, asks Microsoft
 * Graph for the user's whole group list. A complete answer replaces the truncated claim (object ids
 * and display names, so links by either match); anything less leaves the claim incomplete, so the
 * sync adds but never removes, and the outcome says why.
 */
export async function completeOverageFromGraph(
  idp: IdentityProvider,
  policy: GroupSyncPolicy,
  attributes: Record<string, unknown>,
  external: ExternalGroups,
  box: SecretBox,
): Promise<{ external: ExternalGroups; outcome: GraphOutcome }> {
  const fail = (reason: string) => ({
    external,
    outcome: { attempted: true as const, complete: false, reason },
  });
  const settings = graphSettingsOf(idp, box);
  if (typeof settings === 'string')
    return fail(
      settings === NO_GRAPH
        ? 'overage is set to "graph" but the identity provider has no Graph settings'
        : settings,
    );
  const oid = entraObjectId(attributes);
  if (!oid) return fail('the sign-in carried no user object id (oid) to look up in Graph');

  const result = await fetchTransitiveGroups(settings, oid);
  if (!result.complete) return fail(result.reason);
  const completed = graphGroupsAsClaim(result.groups, policy);
  return { external: completed, outcome: { attempted: true, complete: true, groups: result.groups.length } };
}

const NO_GRAPH = 'the identity provider has no Microsoft Graph settings';

/** The IdP's Graph settings with their credentials, or why there are none. */
export function graphSettingsOf(idp: IdentityProvider, box: SecretBox): GraphSettings | string {
  const graph = idp.config.graph;
  if (!graph?.directoryId) return NO_GRAPH;
  const secrets = openIdpSecrets(box, idp.secrets);
  const clientId = graph.clientId ?? (idp.type === 'oidc' ? oidcConfigOf(idp).clientId : undefined);
  const clientSecret = secrets.graphClientSecret ?? secrets.clientSecret;
  if (!clientId || !clientSecret) return 'no client id or secret for Microsoft Graph';
  return { ...graph, directoryId: graph.directoryId, clientId, clientSecret };
}

/** A complete Graph answer as a complete claim: object ids and display names, so links by either match. */
export function graphGroupsAsClaim(
  groups: { id: string; displayName: string | null }[],
  policy: GroupSyncPolicy,
): ExternalGroups {
  const names = groups.flatMap((g) => (g.displayName ? [g.id, g.displayName] : [g.id]));
  return normalizeClaims({ attributes: { [policy.claims[0] ?? 'groups']: names } }, policy);
}

/** Entra ID's user object id in a sign-in: the OIDC `oid` claim or the SAML objectidentifier attribute. */
export function entraObjectId(attributes: Record<string, unknown>): string | undefined {
  return firstString(attributes.oid) ?? firstString(attributes[SAML_OBJECT_ID]);
}

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (Array.isArray(value)) return value.find((v): v is string => typeof v === 'string' && v !== '');
  return undefined;
}
