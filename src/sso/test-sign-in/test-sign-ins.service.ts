import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, LessThan, MoreThan } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditService } from '../../audit/audit.service';
import { sha256Hex } from '../../common/crypto';
import { AppError, notFound } from '../../common/errors';
import type { RequestContext, RouteTenant } from '../../common/request-context';
import { AllConfigType } from '../../config/configuration';
import { insertRows } from '../../database/insert';
import { Transactions } from '../../database/transactions.service';
import { findIdp } from '../../identity-providers/find-idp';
import type { IdentityProvider } from '../../identity-providers/identity-provider.entity';
import { SignInDryRun } from '../../sync/sign-in-dry-run';
import type { SignInRefusal } from '../sign-in-refusal';
import type { SignInTarget } from '../sign-in-target';
import type { SignedInIdentity } from '../signed-in-identity';
import { TestSignIn } from './test-sign-in.entity';
import { testSignInView } from './test-sign-in.view';

/** From start to result, and the result's life after it arrived: short, it holds raw claims. */
const TEST_SIGN_IN_TTL_MS = 15 * 60_000;
const ACTION = 'sso.test_sign_in';

/**
 * Test sign-ins (docs/saml.md, "Test sign-in"): an admin starts one and gets a login URL with a
 * one-time token; the login it starts is marked as a test (SsoLoginState.testSignInId), so its
 * ACS or callback, after the full validation, ends here: the dry run's plan is stored for the admin
 * and one audit event (`sso.test_sign_in`) is written, nothing else (no user, identity, session,
 * membership or stored claim).
 */
@Injectable()
export class TestSignInsService {
  private readonly publicUrl: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly dryRun: SignInDryRun,
    config: ConfigService<AllConfigType, true>,
  ) {
    this.publicUrl = config.get('app.publicUrl', { infer: true });
  }

  async start(tenant: RouteTenant, idpSlug: string, ctx: RequestContext) {
    const repo = this.dataSource.getRepository(TestSignIn);
    await repo.delete({ expiresAt: LessThan(new Date()) });
    const idp = await this.idpOf(tenant, idpSlug);
    if (!idp.enabled)
      throw new AppError(
        'identity_provider_disabled',
        `Identity provider "${idp.slug}" is turned off: its sign-in address cannot be tested`,
      );
    const token = randomBytes(32).toString('base64url');
    const row = repo.create({
      tenantId: tenant.id,
      idpId: idp.id,
      tokenHash: sha256Hex(token),
      startedBy: (ctx.actor.label ?? ctx.actor.type).slice(0, 320),
      expiresAt: new Date(Date.now() + TEST_SIGN_IN_TTL_MS),
    });
    await insertRows(this.dataSource.manager, TestSignIn, row);
    const loginUrl = `${this.publicUrl}/sso/${tenant.slug}/${idp.slug}/login?test=${token}`;
    return { ...testSignInView(row, idp.slug), loginUrl };
  }

  async get(tenant: RouteTenant, idpSlug: string, id: string) {
    const idp = await this.idpOf(tenant, idpSlug);
    const row = await this.dataSource.getRepository(TestSignIn).findOneBy({
      id,
      tenantId: tenant.id,
      idpId: idp.id,
      expiresAt: MoreThan(new Date()),
    });
    if (!row)
      throw new AppError('test_sign_in_not_found', `Test sign-in "${id}" was not found (or has expired)`);
    return testSignInView(row, idp.slug);
  }

  /**
   * The login step: the admin's one-time token becomes the login's test mark. Null when the token
   * is not (any more) a pending test of this IdP; the caller refuses the login then.
   */
  async claim(target: SignInTarget, token: string): Promise<string | null> {
    const repo = this.dataSource.getRepository(TestSignIn);
    const row = await repo.findOneBy({ tokenHash: sha256Hex(token), tenantId: target.tenant.id });
    if (!row || row.idpId !== target.idp.id || row.expiresAt.getTime() < Date.now()) return null;
    const taken = await repo.update({ id: row.id, status: 'pending' }, { status: 'started' });
    return taken.affected ? row.id : null;
  }

  /** The validated sign-in of a test: plan without writing, keep the result, audit. */
  async complete(target: SignInTarget, id: string, who: SignedInIdentity, ctx: RequestContext) {
    const { tenant, idp } = target;
    const dry = await this.dryRun.plan(tenant, idp, who, who.attributes, ctx);
    const result = {
      outcome: dry.refusal ? 'refused' : 'signed-in',
      refusal: dry.refusal ? { code: 'sync', reason: dry.refusal } : null,
      identity: {
        externalId: who.externalId,
        email: who.email,
        displayName: who.displayName,
        emailVerified: who.emailVerified ?? null,
      },
      rawClaims: who.attributes,
      groups: { status: dry.claim.status, complete: dry.claim.complete, normalized: dry.claim.groups },
      graph: dry.graph,
      account: dry.user,
      matchedLinks: dry.matchedLinks,
      plan: dry.plan,
    };
    await this.finish(tenant, idp, id, dry.refusal ? 'refused' : 'completed', result, ctx);
    return this.resultPath(tenant.slug, idp.slug, id);
  }

  /** A test refused before any plan (signature, audience, replay, state...): the reason is the result. */
  async refused(target: SignInTarget, id: string, refusal: SignInRefusal, ctx: RequestContext) {
    const { tenant, idp } = target;
    const result = {
      outcome: 'refused',
      refusal: { code: refusal.code, reason: refusal.reason, detail: refusal.detail ?? null },
    };
    await this.finish(tenant, idp, id, 'refused', result, ctx);
    return this.resultPath(tenant.slug, idp.slug, id);
  }

  /** Where the admin UI shows a test's result. */
  resultPath(tenantSlug: string, idpSlug: string, id: string): string {
    return `/admin/t/${tenantSlug}/identity-providers/${idpSlug}/test-sign-ins/${id}`;
  }

  private async finish(
    tenant: RouteTenant,
    idp: IdentityProvider,
    id: string,
    status: 'completed' | 'refused',
    result: Record<string, unknown>,
    ctx: RequestContext,
  ): Promise<void> {
    const now = new Date();
    await this.tx.run(async (em) => {
      // Once: a second answer to the same login (a replay is refused before this) changes nothing.
      const done = await em.update(TestSignIn, { id, tenantId: tenant.id, status: 'started' }, {
        status,
        result,
        completedAt: now,
        expiresAt: new Date(now.getTime() + TEST_SIGN_IN_TTL_MS),
      } as QueryDeepPartialEntity<TestSignIn>);
      if (!done.affected) return;
      const startedBy = (await em.findOneBy(TestSignIn, { id, tenantId: tenant.id }))?.startedBy ?? null;
      const plan = result.plan as { adds?: unknown[]; roleChanges?: unknown[]; removals?: unknown[] } | null;
      await this.audit.record(
        em,
        { ...ctx, actor: { type: 'idp', id: idp.id, label: idp.slug } },
        tenant.id,
        {
          action: ACTION,
          targetType: 'identity_provider',
          targetId: idp.id,
          details: {
            idp: idp.slug,
            testSignInId: id,
            startedBy,
            outcome: result.outcome,
            reason: (result.refusal as { reason?: string } | null)?.reason ?? null,
            email: (result.identity as { email?: string } | undefined)?.email ?? null,
            wouldAdd: plan?.adds?.length ?? 0,
            wouldChangeRole: plan?.roleChanges?.length ?? 0,
            wouldRemove: plan?.removals?.length ?? 0,
          },
        },
      );
    });
  }

  private async idpOf(tenant: RouteTenant, slug: string): Promise<IdentityProvider> {
    const idp = await findIdp(this.dataSource.manager, tenant.id, slug);
    if (!idp) throw notFound('Identity provider', slug);
    return idp;
  }
}
