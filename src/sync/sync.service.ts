import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import { InsertPart, insertTogether } from '../database/insert';
import { normalizeEmail } from '../common/email';
import { isLockNotAvailable, isUniqueViolation, notFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions.service';
import { findIdp } from '../identity-providers/find-idp';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import type { Tenant } from '../tenants/tenant.entity';
import { Identity } from '../users/identity.entity';
import { User } from '../users/user.entity';
import {
  ClaimStatus,
  emailVerification,
  ExternalGroups,
  GroupSyncPolicy,
  hasOverageMarker,
  linkingSettingsOf,
  normalizeClaims,
  planSync,
  RawClaims,
  SyncPlan,
  weighsOwners,
  withPushedGroups,
} from './engine';
import { loadOwnerCounts } from './sync-state';
import { completeOverageFromGraph, entraObjectId, GraphOutcome } from './graph/graph-overage';
import { SecretKeyService } from '../auth/secret-key.service';
import { engineUser, SyncLoader, type SyncScope } from './pipeline/sync-loader';
import { ApplyMeta, storeClaimedGroups, SyncWriter } from './pipeline/sync-writer';
import { type FirstWrite, writeFirst } from './pipeline/first-write';
import { Refusal, signInRefusal } from './sign-in-admission';
import { findUserByEmail, recordSignIn, SignInIdentity } from './sign-in-account';

export type { SignInIdentity } from './sign-in-account';

/**
 * The sign-in flow's own writes, made in the sync transaction so that a sign-in commits once: the
 * SAML assertion's single use (first, so a replay is refused before anything is written; on
 * PostgreSQL in the statement that reads the user) and the session row (after a successful sync).
 * Both run again if the transaction is retried.
 */
export interface SignInWrites {
  first?: FirstWrite;
  /** Rows written with the sync's audit events, in one statement on PostgreSQL (the session). */
  signedIn?: (user: User) => InsertPart;
}

/**
 * How the sign-in's transaction reads and writes: its first write, whether to wait for the row
 * lock, and the audit events of a sync, written at the end with the session.
 */
interface SignInLoad {
  first?: FirstWrite;
  wait: boolean;
  audit: AuditEvent[];
}

export type SignInOutcome =
  | { status: 'signed-in'; user: User; plan: SyncPlan }
  | { status: 'denied'; user: User | null; plan: SyncPlan | null; reason: string };

/**
 * The sign-in trigger of the sync pipeline (and its dry run, the preview): normalize the claim,
 * load the engine's inputs under the user's row lock, admit, plan, write, in one transaction.
 */
@Injectable()
export class SyncService {
  private readonly logger = new Logger('Sync');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly secretKey: SecretKeyService,
    private readonly loader: SyncLoader,
    private readonly writer: SyncWriter,
  ) {}

  /**
   * Finds the user (by identity, then by email for pre-provisioned users), creates them just in
   * time when allowed, and syncs their groups. A refusal writes only its audit event. Two first
   * sign-ins racing for one new user: the loser retries and finds the winner's row.
   */
  async signIn(
    tenant: Tenant,
    idp: IdentityProvider,
    who: SignInIdentity,
    claims: RawClaims | ExternalGroups,
    ctx: RequestContext,
    writes: SignInWrites = {},
  ): Promise<SignInOutcome> {
    const policy = idp.groupSync;
    const { claim, graph } = await this.readClaim(idp, policy, claims, ctx);
    if ('attributes' in claims) who = { ...who, objectId: entraObjectId(claims.attributes) ?? null };
    // A busy user row (another sign-in or a SCIM write holds it): again, waiting for the lock.
    let wait = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tx.run(async (em) => {
          const load = { first: writes.first, wait, audit: [] };
          const outcome = await this.signInOnce(em, tenant, idp, policy, who, claim, ctx, load, graph);
          const rows: InsertPart[] = [{ target: AuditEvent, rows: load.audit }];
          if (outcome.status === 'signed-in' && writes.signedIn) rows.push(writes.signedIn(outcome.user));
          await insertTogether(em, rows);
          return outcome;
        });
      } catch (error) {
        if (attempt < 3 && isUniqueViolation(error)) continue;
        if (attempt < 3 && isLockNotAvailable(error) && !wait) {
          wait = true;
          continue;
        }
        throw error;
      }
    }
  }

  /** The claim, normalized; Entra's overage markers are detected here, so no sign-in flow can forget them (also read by the test sign-in, sign-in-dry-run.ts). */
  async readClaim(
    idp: IdentityProvider,
    policy: GroupSyncPolicy,
    claims: RawClaims | ExternalGroups,
    ctx: RequestContext,
  ): Promise<{ claim: ExternalGroups; graph?: GraphOutcome }> {
    if (!('attributes' in claims)) return { claim: claims };
    const overage = claims.overage ?? hasOverageMarker(claims.attributes);
    const claim = normalizeClaims({ ...claims, overage }, policy);
    if (claim.status !== 'overage' || policy.overage !== 'graph') return { claim };
    const done = await completeOverageFromGraph(idp, policy, claims.attributes, claim, this.secretKey.box);
    if (!done.outcome.complete)
      this.logger.warn(
        { idp: idp.slug, reason: done.outcome.reason, correlationId: ctx.correlationId },
        'Graph could not complete a truncated group claim',
      );
    return { claim: done.external, graph: done.outcome };
  }

  private async signInOnce(
    em: EntityManager,
    tenant: Tenant,
    idp: IdentityProvider,
    policy: GroupSyncPolicy,
    who: SignInIdentity,
    claim: ExternalGroups,
    ctx: RequestContext,
    load: SignInLoad,
    graph?: GraphOutcome,
  ): Promise<SignInOutcome> {
    // The sign-in flows validate the email already; this is the backstop for any other caller.
    const email = normalizeEmail(who.email);
    if (!email) {
      if (load.first) await writeFirst(em, load.first);
      return this.refuseInvalidEmail(em, tenant, idp, who, ctx);
    }
    const scope = { tenantId: tenant.id, idpId: idp.id, policy };
    const { identity, inputs } = await this.loadAccount(em, scope, who.externalId, email, load);
    const mine = identity ? inputs.users.get(identity.userId) : [...inputs.users.values()][0];
    const user = mine?.user ?? null;
    // Decided under the row lock, so the user's identities cannot change in between.
    const verification = emailVerification(email, who.emailVerified, linkingSettingsOf(idp.config));
    const admission = { tenant, idp, who, email, user, linking: !identity, verification };
    const refusal = await signInRefusal(em, admission);
    if (refusal) return this.refuse(em, tenant, idp, refusal, ctx);
    if (identity && user && user.email !== email)
      this.logger.warn(
        { idp: idp.slug, tenant: tenant.slug, externalId: who.externalId, correlationId: ctx.correlationId },
        'Sign-in email differs from the account email',
      );
    // The engine sees the IdP's whole word: this claim plus what its SCIM client pushed.
    const pushed = (mine?.stored ?? []).filter((r) => r.source === 'scim').map((r) => r.externalGroup);
    const planWith = (ownerCounts: ReadonlyMap<string, number>) =>
      planSync(inputs.context, {
        user: user ? engineUser(user) : null,
        memberships: mine?.memberships ?? [],
        external: withPushedGroups(claim, pushed),
        ownerCounts,
        now: Date.now(),
      });
    // Counts read without the groups' locks decide nothing about an owner: counted again under them.
    let plan = planWith(inputs.ownerCounts);
    if (inputs.ownerCountsUnlocked && weighsOwners(plan))
      plan = planWith(await loadOwnerCounts(em, tenant.id, mine?.memberships ?? []));
    if (plan.signup === 'denied') return this.denySignup(em, tenant, idp, who, email, claim, plan, ctx);

    const account = await recordSignIn(em, {
      tenantId: tenant.id,
      idp,
      who,
      email,
      identity,
      user,
      claim,
      verification,
    });
    await storeClaimedGroups(em, tenant.id, account.user.id, idp.id, claim, mine?.stored ?? []);
    const meta: ApplyMeta = {
      trigger: 'sign-in',
      idpId: idp.id,
      idpSlug: idp.slug,
      source: 'sync',
      tenant,
      idpPaused: idp.syncPaused,
    };
    await this.writer.apply(em, ctx, tenant.id, [{ user: account.user, plan }], meta, {
      summary: 'always',
      before: account.entries,
      extra: graph ? { graph } : undefined,
      auditInto: load.audit,
    });
    return { status: 'signed-in', user: account.user, plan };
  }

  /**
   * The account and the engine's inputs, its row locked: a returning sign-in in one statement for
   * identity, user, lock and sync version (`loadSignIn`); otherwise a user with this email (a
   * pre-provisioned account to link), or nobody (a new user).
   */
  private async loadAccount(
    em: EntityManager,
    scope: SyncScope,
    externalId: string,
    email: string,
    load: SignInLoad,
  ) {
    const returning = await this.loader.loadSignIn(em, scope, externalId, load);
    if (returning) return returning;
    const userId = await findUserByEmail(em, scope.tenantId, email);
    const inputs = await this.loader.load(em, scope, userId ? [userId] : [], { lock: true });
    return { identity: null, inputs };
  }

  private async refuseInvalidEmail(
    em: EntityManager,
    tenant: Tenant,
    idp: IdentityProvider,
    who: SignInIdentity,
    ctx: RequestContext,
  ): Promise<SignInOutcome> {
    const reason = 'the identity provider sent an email address that is not valid';
    await this.audit.record(em, ctx, tenant.id, {
      action: 'sso.sign_in_refused',
      targetType: 'identity_provider',
      targetId: idp.id,
      details: { idp: idp.slug, code: 'claim_invalid', reason, externalId: who.externalId },
    });
    return { status: 'denied', user: null, plan: null, reason };
  }

  private async refuse(
    em: EntityManager,
    tenant: Tenant,
    idp: IdentityProvider,
    refusal: Refusal,
    ctx: RequestContext,
  ): Promise<SignInOutcome> {
    await this.audit.record(em, ctx, tenant.id, refusal.audit);
    this.logger.warn(
      { idp: idp.slug, tenant: tenant.slug, ...refusal.audit.details, correlationId: ctx.correlationId },
      `Sign-in refused: ${refusal.reason}`,
    );
    return { status: 'denied', user: refusal.user, plan: null, reason: refusal.reason };
  }

  private async denySignup(
    em: EntityManager,
    tenant: Tenant,
    idp: IdentityProvider,
    who: SignInIdentity,
    email: string,
    claim: ExternalGroups,
    plan: SyncPlan,
    ctx: RequestContext,
  ): Promise<SignInOutcome> {
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
        externalGroups: claim.groups.slice(0, 100),
        claimStatus: claim.status,
      },
    });
    return { status: 'denied', user: null, plan, reason };
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
    const idp = await findIdp(em, tenant.id, idpSlug);
    if (!idp) throw notFound('Identity provider', idpSlug);
    const policy = idp.groupSync;
    const attributes = claim === 'missing' ? {} : { [policy.claims[0] ?? 'groups']: groups };
    const external = normalizeClaims({ attributes, overage: claim === 'overage' }, policy);
    const userId = await this.findUserId(em, tenant.id, idp.id, who);
    const scope = { tenantId: tenant.id, idpId: idp.id, policy };
    const inputs = await this.loader.load(em, scope, userId ? [userId] : [], { lock: false });
    const mine = userId ? inputs.users.get(userId) : undefined;
    return planSync(inputs.context, {
      user: mine ? engineUser(mine.user) : null,
      memberships: mine?.memberships ?? [],
      external,
      ownerCounts: inputs.ownerCounts,
      now: Date.now(),
    });
  }

  private async findUserId(
    em: EntityManager,
    tenantId: string,
    idpId: string,
    who: { email?: string; externalId?: string },
  ): Promise<string | null> {
    if (who.externalId) {
      const identity = await em.findOneBy(Identity, { tenantId, idpId, externalId: who.externalId });
      if (identity) return identity.userId;
    }
    if (!who.email) return null;
    const email = who.email.trim().toLowerCase();
    return (await em.findOne(User, { where: { tenantId, email }, select: { id: true } }))?.id ?? null;
  }
}
