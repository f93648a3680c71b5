import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull, Not } from 'typeorm';
import { AuditEntry, AuditService } from '../audit/audit.service';
import { isUniqueViolation, notFound } from '../common/errors';
import { insertRows } from '../database/insert';
import type { RequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions.service';
import { Membership } from '../groups/membership.entity';
import { emailVerification, linkingSettings } from '../identity-providers/account-linking';
import { normalizeEmail } from '../common/email';
import { findIdp } from '../identity-providers/find-idp';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import type { Tenant } from '../tenants/tenant.entity';
import { Identity } from '../users/identity.entity';
import { User } from '../users/user.entity';
import {
  buildSyncContext,
  ClaimStatus,
  EngineUser,
  ExternalGroups,
  GroupSyncPolicy,
  hasOverageMarker,
  normalizeClaims,
  planHasChanges,
  planSync,
  RawClaims,
  resolvePolicy,
  SyncContext,
  SyncPlan,
} from './engine';
import { ExternalMembership } from './external-membership.entity';
import { completeOverageFromGraph, GraphOutcome } from './graph/graph-overage';
import { SecretKeyService } from '../auth/secret-key.service';
import {
  ApplyMeta,
  loadStoredRows,
  storeClaimedGroups,
  summaryEntry,
  writePlan,
  writePlans,
} from './sync-apply';
import { signInRefusal } from './sign-in-admission';
import { SyncContextCache } from './sync-context-cache';
import {
  loadMemberships,
  loadOwnerCounts,
  loadStoredExternalGroups,
  loadMembershipsOf,
  loadTenantGroupsAndLinks,
} from './sync-state';

export interface SignInIdentity {
  /** SAML NameID, OIDC `sub`, ... */
  externalId: string;
  email: string;
  displayName: string | null;
  /** OIDC `email_verified` about this email (true / false); null or absent: the IdP did not say. */
  emailVerified?: boolean | null;
}

export type SignInOutcome =
  | { status: 'signed-in'; user: User; plan: SyncPlan }
  | { status: 'denied'; user: User | null; plan: SyncPlan | null; reason: string };

export interface ReconcileResult {
  usersEvaluated: number;
  usersChanged: number;
  adds: number;
  roleChanges: number;
  removals: number;
  kept: number;
}

const engineUser = (u: User): EngineUser => ({ id: u.id, isAdmin: u.isAdmin, adminSource: u.adminSource });

/** Completeness of stored groups: from the last claim's status, or a SCIM-pushed list (complete by nature). */
export function storedCompleteness(
  status: ClaimStatus | null,
  policy: GroupSyncPolicy,
): Pick<ExternalGroups, 'status' | 'complete'> {
  const effective: ClaimStatus = status ?? 'present';
  return {
    status: effective,
    complete: effective === 'present' || (effective === 'missing' && policy.missingClaim === 'empty'),
  };
}

/**
 * Runs the sync engine against the database: loads the state, locks the user's row, applies the plan
 * and writes the audit trail in one transaction.
 */
@Injectable()
export class SyncService {
  private readonly logger = new Logger('Sync');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly secretKey: SecretKeyService,
    private readonly contexts: SyncContextCache,
  ) {}

  /**
   * The sign-in trigger: finds the user (by identity, then by email for pre-provisioned users),
   * creates them just in time when allowed, and syncs their groups. A refusal writes only its audit
   * event. Two first sign-ins racing for one new user: the loser retries and finds the winner's row.
   */
  async signIn(
    tenant: Tenant,
    idp: IdentityProvider,
    who: SignInIdentity,
    claims: RawClaims | ExternalGroups,
    ctx: RequestContext,
  ): Promise<SignInOutcome> {
    const policy = resolvePolicy(idp.groupSync);
    // Entra's overage markers are detected here, so no sign-in flow can forget them.
    let external =
      'attributes' in claims
        ? normalizeClaims(
            { ...claims, overage: claims.overage ?? hasOverageMarker(claims.attributes) },
            policy,
          )
        : claims;
    let graph: GraphOutcome | undefined;
    if ('attributes' in claims && external.status === 'overage' && policy.overage === 'graph') {
      ({ external, outcome: graph } = await completeOverageFromGraph(
        idp,
        policy,
        claims.attributes,
        external,
        this.secretKey.box,
      ));
      if (!graph.complete)
        this.logger.warn(
          { idp: idp.slug, reason: graph.reason, correlationId: ctx.correlationId },
          'Graph could not complete a truncated group claim',
        );
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tx.run((em) => this.signInOnce(em, tenant, idp, policy, who, external, ctx, graph));
      } catch (error) {
        if (attempt < 3 && isUniqueViolation(error)) continue;
        throw error;
      }
    }
  }

  private async signInOnce(
    em: EntityManager,
    tenant: Tenant,
    idp: IdentityProvider,
    policy: GroupSyncPolicy,
    who: SignInIdentity,
    external: ExternalGroups,
    ctx: RequestContext,
    graph?: GraphOutcome,
  ): Promise<SignInOutcome> {
    // The sign-in flows validate the email already; this is the backstop for any other caller.
    const email = normalizeEmail(who.email);
    if (!email) {
      const reason = 'the identity provider sent an email address that is not valid';
      await this.audit.record(em, ctx, tenant.id, {
        action: 'sso.sign_in_refused',
        targetType: 'identity_provider',
        targetId: idp.id,
        details: { idp: idp.slug, code: 'claim_invalid', reason, externalId: who.externalId },
      });
      return { status: 'denied', user: null, plan: null, reason };
    }
    const identity = await em.findOneBy(Identity, {
      tenantId: tenant.id,
      idpId: idp.id,
      externalId: who.externalId,
    });
    let user = identity
      ? await em.findOneBy(User, { id: identity.userId, tenantId: tenant.id })
      : await em.findOneBy(User, { tenantId: tenant.id, email });
    if (user) {
      await this.tx.lockRow(em, 'users', user.id);
      user = await em.findOneByOrFail(User, { id: user.id });
    }
    // Decided under the row lock, so the user's identities cannot change in between.
    const verification = emailVerification(email, who.emailVerified, linkingSettings(idp));
    const refusal = await signInRefusal(em, {
      tenant,
      idp,
      who,
      email,
      user,
      linking: !identity,
      verification,
    });
    if (refusal) {
      await this.audit.record(em, ctx, tenant.id, refusal.audit);
      this.logger.warn(
        { idp: idp.slug, tenant: tenant.slug, ...refusal.audit.details, correlationId: ctx.correlationId },
        `Sign-in refused: ${refusal.reason}`,
      );
      return { status: 'denied', user: refusal.user, plan: null, reason: refusal.reason };
    }
    const meta: ApplyMeta = { trigger: 'sign-in', idpId: idp.id, idpSlug: idp.slug, source: 'sync' };
    const linkedExisting = !identity && !!user;
    // A sign-in never changes the account's email (SCIM and the admin API do): an IdP sending
    // another address for a subject it holds is recorded, and its domain rules applied to both.
    const emailDiffers = !!identity && !!user && user.email !== email;
    if (emailDiffers)
      this.logger.warn(
        { idp: idp.slug, tenant: tenant.slug, externalId: who.externalId, correlationId: ctx.correlationId },
        'Sign-in email differs from the account email',
      );

    const memberships = user ? await loadMemberships(em, tenant.id, user.id) : [];
    const ownerCounts = await loadOwnerCounts(em, tenant.id, memberships);
    const context = await this.contexts.get(em, tenant.id, idp.id, policy);
    // The engine sees the IdP's whole word: this claim plus what its SCIM client pushed.
    const stored = user ? await loadStoredRows(em, tenant.id, user.id, idp.id) : [];
    const pushed = stored.filter((r) => r.source === 'scim').map((r) => r.externalGroup);
    const plan = planSync(context, {
      user: user ? engineUser(user) : null,
      memberships,
      external: pushed.length
        ? { ...external, groups: [...new Set([...external.groups, ...pushed])] }
        : external,
      ownerCounts,
    });

    if (plan.signup === 'denied') {
      const reason = plan.denialReason ?? 'you cannot sign up to this workspace';
      await this.audit.record(em, ctx, tenant.id, {
        action: 'sync.signup_denied',
        targetType: 'identity_provider',
        targetId: idp.id,
        details: {
          idp: idp.slug,
          reason,
          email,
          externalId: who.externalId,
          externalGroups: external.groups.slice(0, 100),
          claimStatus: external.status,
        },
      });
      return { status: 'denied', user: null, plan, reason };
    }

    const now = new Date();
    const entries: AuditEntry[] = [];
    if (emailDiffers && user)
      entries.push({
        action: 'identity.email_differs',
        targetType: 'user',
        targetId: user.id,
        userId: user.id,
        details: { idp: idp.slug, externalId: who.externalId, sentEmail: email, accountEmail: user.email },
      });
    if (!user) {
      user = em.create(User, { tenantId: tenant.id, email, displayName: who.displayName, lastSignInAt: now });
      await insertRows(em, User, user);
      entries.push({
        action: 'user.created',
        targetType: 'user',
        targetId: user.id,
        userId: user.id,
        after: { email, displayName: who.displayName },
        details: { trigger: 'sign-in', idp: idp.slug },
      });
    }
    if (identity) {
      await em.update(
        Identity,
        { id: identity.id },
        { lastSignInAt: now, claimStatus: external.status, claimsSeenAt: now },
      );
    } else {
      const link = em.create(Identity, {
        tenantId: tenant.id,
        userId: user.id,
        idpId: idp.id,
        externalId: who.externalId,
        lastSignInAt: now,
        claimStatus: external.status,
        claimsSeenAt: now,
      });
      await insertRows(em, Identity, link);
      entries.push({
        action: 'identity.linked',
        targetType: 'user',
        targetId: user.id,
        userId: user.id,
        // Linking an existing user is the decision docs/sync.md describes: say how it was made.
        details: {
          idp: idp.slug,
          externalId: who.externalId,
          ...(linkedExisting ? { linkedBy: 'email', email, emailVerification: verification } : {}),
        },
      });
    }
    await storeClaimedGroups(em, tenant.id, user.id, idp.id, external, stored);
    entries.push(...(await writePlan(em, tenant.id, user, plan, meta)));
    const profile: Partial<User> = { lastSignInAt: now };
    if (who.displayName && who.displayName !== user.displayName) profile.displayName = who.displayName;
    await em.update(User, { id: user.id }, profile);
    Object.assign(user, profile);
    entries.push(summaryEntry(user.id, plan, meta, graph ? { graph } : undefined));
    await this.audit.record(em, ctx, tenant.id, entries);
    return { status: 'signed-in', user, plan };
  }

  /**
   * Re-plans users after a SCIM push changed what the IdP says about them, from their stored
   * external groups (claims and SCIM, unioned). The IdP pushes the whole truth here, so the list
   * counts as complete even when the last sign-in's claim was truncated. Users go in batches of 100
   * (one query per kind each), in `within` or one transaction per batch; blocked users are left alone
   * (deprovisioned, memberships kept).
   */
  async applyPushedGroups(
    tenant: Tenant,
    idp: IdentityProvider,
    userIds: string[],
    ctx: RequestContext,
    within?: EntityManager,
  ): Promise<{ usersChanged: number; adds: number; roleChanges: number; removals: number }> {
    const policy = resolvePolicy(idp.groupSync);
    const meta: ApplyMeta = { trigger: 'scim', idpId: idp.id, idpSlug: idp.slug, source: 'scim' };
    const totals = { usersChanged: 0, adds: 0, roleChanges: 0, removals: 0 };
    const ids = [...new Set(userIds)].sort();
    for (let i = 0; i < ids.length; i += 100) {
      const batch = ids.slice(i, i + 100);
      // Inside the caller's transaction when given (the SCIM write and its re-plan commit together).
      const run = <T>(work: (em: EntityManager) => Promise<T>) => (within ? work(within) : this.tx.run(work));
      await run(async (em) => {
        const context = await this.contexts.get(em, tenant.id, idp.id, policy);
        await this.tx.lockRows(em, 'users', batch);
        // One query per kind for the whole batch (a 5k-member push is 50 batches, not 25k queries),
        // one after the other: they share the transaction's connection.
        const stored = await loadStoredExternalGroups(em, tenant.id, idp.id, batch);
        // By id alone, then the tenant checked here: with "tenantId = ?" in the query, SQLite without
        // statistics would scan the tenant's users instead of looking up 100 ids.
        const users = (await em.find(User, { where: { id: In(batch) } })).filter(
          (u) => u.tenantId === tenant.id,
        );
        const memberships = await loadMembershipsOf(em, tenant.id, batch);
        const changed: { user: User; plan: SyncPlan }[] = [];
        for (const user of users) {
          if (user.status === 'blocked') continue;
          const current = memberships.get(user.id) ?? [];
          const ownerCounts = await loadOwnerCounts(em, tenant.id, current);
          const plan = planSync(context, {
            user: engineUser(user),
            memberships: current,
            external: { groups: stored.get(user.id) ?? [], status: 'present', complete: true },
            ownerCounts,
          });
          if (!planHasChanges(plan)) continue;
          changed.push({ user, plan });
          totals.usersChanged++;
          totals.adds += plan.adds.length;
          totals.roleChanges += plan.roleChanges.length;
          totals.removals += plan.removals.length;
        }
        // Each change is its own audit event; the per-user summary only when it says more (a
        // protection kept something), so a 5k-member push writes 5k events, not 10k.
        const entries = [
          ...(await writePlans(em, tenant.id, changed, meta)),
          ...changed.filter((c) => c.plan.kept.length).map((c) => summaryEntry(c.user.id, c.plan, meta)),
        ];
        if (entries.length > 0) await this.audit.record(em, ctx, tenant.id, entries);
      });
    }
    return totals;
  }

  /** What a sign-in with these groups would do, without writing anything. */
  async preview(
    tenant: Tenant,
    idpSlug: string,
    who: { email?: string; externalId?: string },
    groups: string[],
    claim: ClaimStatus,
  ): Promise<SyncPlan> {
    const em = this.dataSource.manager;
    const idp = await this.mustGetIdp(em, tenant.id, idpSlug);
    const policy = resolvePolicy(idp.groupSync);
    const attributes = claim === 'missing' ? {} : { [policy.claims[0] ?? 'groups']: groups };
    const external = normalizeClaims({ attributes, overage: claim === 'overage' }, policy);
    const user = await this.findUser(em, tenant.id, idp.id, who);
    const memberships = user ? await loadMemberships(em, tenant.id, user.id) : [];
    const ownerCounts = await loadOwnerCounts(em, tenant.id, memberships);
    const context = await this.contexts.get(em, tenant.id, idp.id, policy);
    return planSync(context, { user: user ? engineUser(user) : null, memberships, external, ownerCounts });
  }

  /**
   * Re-evaluates users from their stored external groups (no sign-in needed), e.g. after links
   * changed. With `groupId`, only that group's memberships change. Each user is its own transaction.
   */
  async reconcile(
    tenant: Tenant,
    scope: { idp?: string; groupId?: string; userId?: string },
    ctx: RequestContext,
  ): Promise<ReconcileResult> {
    const em = this.dataSource.manager;
    const idps = scope.idp
      ? [await this.mustGetIdp(em, tenant.id, scope.idp)]
      : await em.find(IdentityProvider, { where: { tenantId: tenant.id }, order: { slug: 'ASC' } });
    const { groups, links } = await loadTenantGroupsAndLinks(em, tenant.id);
    if (scope.groupId && !groups.some((g) => g.id === scope.groupId)) throw notFound('Group', scope.groupId);
    const result: ReconcileResult = {
      usersEvaluated: 0,
      usersChanged: 0,
      adds: 0,
      roleChanges: 0,
      removals: 0,
      kept: 0,
    };

    for (const idp of idps) {
      const policy = resolvePolicy(idp.groupSync);
      const context = buildSyncContext({ idpId: idp.id, policy, groups, links });
      const userIds = await this.usersKnownTo(em, tenant.id, idp.id, context, scope);
      for (const userId of userIds) {
        const changed = await this.tx.run((tem) =>
          this.reconcileUser(tem, tenant.id, idp, policy, context, userId, scope.groupId, ctx),
        );
        if (!changed) continue;
        result.usersEvaluated++;
        if (changed.adds + changed.roleChanges + changed.removals + (changed.admin ? 1 : 0) > 0)
          result.usersChanged++;
        result.adds += changed.adds;
        result.roleChanges += changed.roleChanges;
        result.removals += changed.removals;
        result.kept += changed.kept;
      }
    }
    await this.tx.run((tem) =>
      this.audit.record(tem, ctx, tenant.id, {
        action: 'sync.reconciled',
        targetType: scope.groupId ? 'group' : 'tenant',
        targetId: scope.groupId ?? tenant.id,
        details: { scope, ...result },
      }),
    );
    this.logger.log(
      { tenant: tenant.slug, scope, ...result, correlationId: ctx.correlationId },
      'Reconciled',
    );
    return result;
  }

  private async reconcileUser(
    em: EntityManager,
    tenantId: string,
    idp: IdentityProvider,
    policy: GroupSyncPolicy,
    context: SyncContext,
    userId: string,
    groupId: string | undefined,
    ctx: RequestContext,
  ) {
    await this.tx.lockRow(em, 'users', userId);
    const user = await em.findOneBy(User, { id: userId, tenantId });
    if (!user || user.status === 'blocked') return null;
    const identity = await em.findOne(Identity, {
      where: { tenantId, userId, idpId: idp.id },
      order: { claimsSeenAt: 'DESC' },
    });
    const stored = (await loadStoredExternalGroups(em, tenantId, idp.id, [userId])).get(userId) ?? [];
    if (!identity?.claimStatus && stored.length === 0) return null; // nothing known from this IdP
    const external: ExternalGroups = {
      groups: stored,
      ...storedCompleteness(identity?.claimStatus ?? null, policy),
    };
    const memberships = await loadMemberships(em, tenantId, userId);
    const ownerCounts = await loadOwnerCounts(em, tenantId, memberships);
    let plan = planSync(context, { user: engineUser(user), memberships, external, ownerCounts });
    if (groupId) plan = onlyGroup(plan, groupId);
    const meta: ApplyMeta = { trigger: 'reconcile', idpId: idp.id, idpSlug: idp.slug, source: 'sync' };
    const entries = await writePlan(em, tenantId, user, plan, meta);
    if (entries.length > 0)
      await this.audit.record(em, ctx, tenantId, [...entries, summaryEntry(userId, plan, meta)]);
    return {
      adds: plan.adds.length,
      roleChanges: plan.roleChanges.length,
      removals: plan.removals.length,
      kept: plan.kept.length,
      admin: plan.admin.from !== plan.admin.to,
    };
  }

  /** Users whose groups this IdP told us about (claims or SCIM), narrowed by the scope. */
  private async usersKnownTo(
    em: EntityManager,
    tenantId: string,
    idpId: string,
    context: SyncContext,
    scope: { groupId?: string; userId?: string },
  ): Promise<string[]> {
    if (scope.userId) return [scope.userId];
    const pushedQuery = em
      .createQueryBuilder(ExternalMembership, 'x')
      .select('DISTINCT x.userId', 'userId')
      .where('x.tenantId = :tenantId AND x.idpId = :idpId', { tenantId, idpId });
    if (scope.groupId) {
      // Only the group's members and users whose stored groups match one of its links can see a change there.
      const linked = externalGroupsLinkedTo(context, scope.groupId);
      if (linked.length === 0) pushedQuery.andWhere('1 = 0');
      else pushedQuery.andWhere('x.externalGroup IN (:...linked)', { linked });
      const [members, pushed] = await Promise.all([
        em.find(Membership, { where: { tenantId, groupId: scope.groupId }, select: { userId: true } }),
        pushedQuery.getRawMany<{ userId: string }>(),
      ]);
      return [...new Set([...members.map((m) => m.userId), ...pushed.map((r) => r.userId)])].sort();
    }
    const [claimed, pushed] = await Promise.all([
      em.find(Identity, { where: { tenantId, idpId, claimStatus: Not(IsNull()) }, select: { userId: true } }),
      pushedQuery.getRawMany<{ userId: string }>(),
    ]);
    return [...new Set([...claimed.map((i) => i.userId), ...pushed.map((r) => r.userId)])].sort();
  }

  private async findUser(
    em: EntityManager,
    tenantId: string,
    idpId: string,
    who: { email?: string; externalId?: string },
  ): Promise<User | null> {
    if (who.externalId) {
      const identity = await em.findOneBy(Identity, { tenantId, idpId, externalId: who.externalId });
      if (identity) return em.findOneBy(User, { id: identity.userId, tenantId });
    }
    if (who.email) return em.findOneBy(User, { tenantId, email: who.email.trim().toLowerCase() });
    return null;
  }

  private async mustGetIdp(em: EntityManager, tenantId: string, slug: string): Promise<IdentityProvider> {
    const idp = await findIdp(em, tenantId, slug);
    if (!idp) throw notFound('Identity provider', slug);
    return idp;
  }
}

/** The part of a plan about one group (a group-scoped reconcile or impact preview). */
export function onlyGroup(plan: SyncPlan, groupId: string): SyncPlan {
  const inGroup = <T extends { groupId: string }>(items: T[]) => items.filter((i) => i.groupId === groupId);
  return {
    ...plan,
    adds: inGroup(plan.adds),
    roleChanges: inGroup(plan.roleChanges),
    removals: inGroup(plan.removals),
    kept: inGroup(plan.kept),
    admin: { from: plan.admin.from, to: plan.admin.from },
  };
}

/** Normalized external groups that some applicable link (or, matching by name, the name) ties to the group. */
export function externalGroupsLinkedTo(context: SyncContext, groupId: string): string[] {
  const result: string[] = [];
  for (const [externalGroup, links] of context.linksByExternalGroup) {
    if (links.some((link) => link.groupId === groupId)) result.push(externalGroup);
  }
  for (const [name, groups] of context.groupsByNormalizedName) {
    if (groups.some((group) => group.id === groupId)) result.push(name);
  }
  return result;
}
