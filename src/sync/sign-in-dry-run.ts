import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { normalizeEmail } from '../common/email';
import type { RequestContext } from '../common/request-context';
import type { IdentityProvider } from '../identity-providers/identity-provider.entity';
import type { Tenant } from '../tenants/tenant.entity';
import {
  emailVerification,
  type ExternalGroups,
  linkingSettingsOf,
  planSync,
  type SyncContext,
  type SyncPlan,
  withPushedGroups,
} from './engine';
import type { GraphOutcome } from './graph/graph-overage';
import { engineUser, SyncLoader } from './pipeline/sync-loader';
import { signInRefusal } from './sign-in-admission';
import { Identity } from '../users/identity.entity';
import { findUserByEmail, type SignInIdentity } from './sign-in-account';
import { SyncService } from './sync.service';

/** A link that an external group of the sign-in matched. */
interface MatchedLink {
  linkId: string;
  groupId: string;
  groupName: string;
  externalGroup: string;
  role: string;
  /** False for a link of any IdP of the tenant. */
  idpScoped: boolean;
}

export interface DryRunOutcome {
  /** The claim as the engine reads it: normalized groups, and whether they are the whole list. */
  claim: ExternalGroups;
  graph: GraphOutcome | null;
  /** The account the sign-in would land in; null: a new user. */
  user: { id: string; email: string; status: string; isAdmin: boolean } | null;
  /** Why a real sign-in would be refused (admission or signup); null: it would be let in. */
  refusal: string | null;
  /** What a real sign-in would apply; null when refused before planning. */
  plan: SyncPlan | null;
  matchedLinks: MatchedLink[];
}

/**
 * A sign-in's trigger without its writes, for an admin's test sign-in: the same claim reading
 * (Graph overage included), account look-up, loader, admission rules and engine as
 * SyncService.signIn, in reads only (no transaction, no row lock, no JIT user, no stored claim).
 */
@Injectable()
export class SignInDryRun {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sync: SyncService,
    private readonly loader: SyncLoader,
  ) {}

  async plan(
    tenant: Tenant,
    idp: IdentityProvider,
    who: SignInIdentity,
    attributes: Record<string, unknown>,
    ctx: RequestContext,
  ): Promise<DryRunOutcome> {
    const { claim, graph } = await this.sync.readClaim(idp, idp.groupSync, { attributes }, ctx);
    const outcome = { claim, graph: graph ?? null, user: null, plan: null, matchedLinks: [] };
    const email = normalizeEmail(who.email);
    if (!email)
      return { ...outcome, refusal: 'the identity provider sent an email address that is not valid' };
    const em = this.dataSource.manager;
    // Read only, as a first or returning sign-in would find the account (no lock: nothing is written).
    const identity = await em.findOneBy(Identity, {
      tenantId: tenant.id,
      idpId: idp.id,
      externalId: who.externalId,
    });
    const userId = identity ? identity.userId : await findUserByEmail(em, tenant.id, email);
    const scope = { tenantId: tenant.id, idpId: idp.id, policy: idp.groupSync };
    const inputs = await this.loader.load(em, scope, userId ? [userId] : [], { lock: false });
    const mine = userId ? inputs.users.get(userId) : undefined;
    const user = mine?.user ?? null;
    const account = user
      ? { id: user.id, email: user.email, status: user.status, isAdmin: user.isAdmin }
      : null;
    const verification = emailVerification(email, who.emailVerified, linkingSettingsOf(idp.config));
    const admission = { tenant, idp, who, email, user, linking: !identity, verification };
    const refused = await signInRefusal(em, admission);
    if (refused) return { ...outcome, user: account, refusal: refused.reason };
    const pushed = (mine?.stored ?? []).filter((r) => r.source === 'scim').map((r) => r.externalGroup);
    const plan = planSync(inputs.context, {
      user: user ? engineUser(user) : null,
      memberships: mine?.memberships ?? [],
      external: withPushedGroups(claim, pushed),
      ownerCounts: inputs.ownerCounts,
      now: Date.now(),
    });
    return {
      ...outcome,
      user: account,
      plan,
      refusal:
        plan.signup === 'denied' ? (plan.denialReason ?? 'you cannot sign up to this workspace') : null,
      matchedLinks: matchedLinks(inputs.context, plan.matchedExternalGroups),
    };
  }
}

/** The links behind the matched external groups, in the plan's order. */
function matchedLinks(context: SyncContext, matched: readonly string[]): MatchedLink[] {
  return matched.flatMap((externalGroup) =>
    (context.linksByExternalGroup.get(externalGroup) ?? []).map((link) => ({
      linkId: link.id,
      groupId: link.groupId,
      groupName: context.groupsById.get(link.groupId)?.name ?? '',
      externalGroup: link.externalGroup,
      role: link.role,
      idpScoped: link.idpId !== null,
    })),
  );
}
