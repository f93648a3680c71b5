import { Controller, Get, HttpStatus, Logger, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { DataSource, In } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { SessionsService } from '../auth/sessions.service';
import { clientAddressKey } from '../common/rate-limit/client-address';
import { RateLimiter, RateLimitRule } from '../common/rate-limit/rate-limiter';
import { contextOf, GroupsyncRequest, RequestContext } from '../common/request-context';
import { ConfigService } from '@nestjs/config';
import { AllConfigType } from '../config/configuration';
import { Group } from '../groups/group.entity';
import { Membership } from '../groups/membership.entity';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { SyncService } from '../sync/sync.service';
import { Tenant } from '../tenants/tenant.entity';
import { OidcSignInService } from './oidc-sign-in.service';
import { sendRefusalPage, sendRetryPage } from './refusal-page';
import { SignInRefusal } from './sign-in-refusal';
import { SsoRefusalAudit } from './sso-refusal-audit';
import { SamlSignInService } from './saml-sign-in.service';
import { safeReturnTo } from './return-to';

/**
 * Per-tenant SSO for browsers: login redirect, IdP callback, who am I, logout. Public routes: the
 * credential here is the IdP's answer, then the session cookie.
 */
@ApiExcludeController()
@Public()
@Controller('sso/:tenant')
export class SsoController {
  private readonly logger = new Logger('SSO');
  private readonly publicUrl: string;
  private readonly limits: { perAddress: RateLimitRule; perTenant: RateLimitRule };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly oidc: OidcSignInService,
    private readonly saml: SamlSignInService,
    private readonly sync: SyncService,
    private readonly sessions: SessionsService,
    private readonly refusals: SsoRefusalAudit,
    private readonly limiter: RateLimiter,
    config: ConfigService<AllConfigType, true>,
  ) {
    this.publicUrl = config.get('app.publicUrl', { infer: true });
    const { windowSeconds, ssoPerAddress, ssoPerTenant } = config.get('app.rateLimit', { infer: true });
    this.limits = {
      perAddress: { name: 'sso-address', limit: ssoPerAddress, windowSeconds },
      perTenant: { name: 'sso-tenant', limit: ssoPerTenant, windowSeconds },
    };
  }

  @Get(':idp/login')
  async login(
    @Param('tenant') slug: string,
    @Param('idp') idpSlug: string,
    @Query('returnTo') returnTo: unknown,
    @Req() req: GroupsyncRequest,
    @Res() res: Response,
  ) {
    await this.refusing(req, res, slug, idpSlug, async (tenant, idp) => {
      const target = safeReturnTo(returnTo, this.publicUrl, '') || null;
      const url =
        idp.type === 'saml'
          ? await this.saml.start(tenant, idp, target)
          : await this.oidc.start(tenant, idp, target, res);
      res.redirect(302, url);
    });
  }

  @Get(':idp/callback')
  async callback(
    @Param('tenant') slug: string,
    @Param('idp') idpSlug: string,
    @Req() req: GroupsyncRequest,
    @Res() res: Response,
  ) {
    await this.refusing(req, res, slug, idpSlug, async (tenant, idp, ctx) => {
      if (idp.type !== 'oidc')
        throw SignInRefusal.unauthenticated(
          HttpStatus.NOT_FOUND,
          'not_oidc',
          'this sign-in method does not use this address',
        );
      const who = await this.oidc.finish(tenant, idp, req, res);
      await this.completeSignIn(tenant, idp, who, ctx, res);
    });
  }

  /** SAML assertion consumer (HTTP-POST binding). */
  @Post(':idp/acs')
  async acs(
    @Param('tenant') slug: string,
    @Param('idp') idpSlug: string,
    @Req() req: GroupsyncRequest,
    @Res() res: Response,
  ) {
    await this.refusing(req, res, slug, idpSlug, async (tenant, idp, ctx) => {
      if (idp.type !== 'saml')
        throw SignInRefusal.unauthenticated(
          HttpStatus.NOT_FOUND,
          'not_saml',
          'this sign-in method does not use this address',
        );
      const who = await this.saml.acs(
        tenant,
        idp,
        (req.body ?? {}) as Record<string, unknown>,
        clientAddressKey(req.ip),
      );
      await this.completeSignIn(tenant, idp, who, ctx, res);
    });
  }

  /** SAML service provider metadata, for the IdP's configuration. */
  @Get(':idp/metadata')
  async metadata(
    @Param('tenant') slug: string,
    @Param('idp') idpSlug: string,
    @Req() req: GroupsyncRequest,
    @Res() res: Response,
  ) {
    await this.refusing(
      req,
      res,
      slug,
      idpSlug,
      async (tenant, idp) => {
        if (idp.type !== 'saml')
          throw SignInRefusal.unauthenticated(
            HttpStatus.NOT_FOUND,
            'not_saml',
            'this identity provider does not use SAML',
          );
        res.type('application/samlmetadata+xml').send(this.saml.metadata(tenant, idp));
      },
      false,
    );
  }

  /** Sync and session after a validated sign-in of either protocol. */
  private async completeSignIn(
    tenant: Tenant,
    idp: IdentityProvider,
    who: {
      externalId: string;
      email: string;
      displayName: string | null;
      emailVerified?: boolean | null;
      attributes: Record<string, unknown>;
      returnTo: string | null;
    },
    ctx: RequestContext,
    res: Response,
  ): Promise<void> {
    const outcome = await this.sync.signIn(
      tenant,
      idp,
      who,
      { attributes: who.attributes },
      { ...ctx, actor: { type: 'idp', id: idp.id, label: idp.slug } },
    );
    if (idp.config.debug && outcome.plan) {
      this.logger.log(
        { idp: idp.slug, tenant: tenant.slug, plan: outcome.plan, correlationId: ctx.correlationId },
        'SSO debug: sync decisions',
      );
    }
    if (outcome.status === 'denied') {
      this.logger.warn(
        { idp: idp.slug, tenant: tenant.slug, reason: outcome.reason, correlationId: ctx.correlationId },
        'Sign-in denied',
      );
      return sendRefusalPage(res, HttpStatus.FORBIDDEN, outcome.reason, ctx.correlationId, tenant.name);
    }
    await this.sessions.start(res, tenant, outcome.user.id, idp.id);
    res.redirect(302, safeReturnTo(who.returnTo, this.publicUrl, `/sso/${tenant.slug}/me`));
  }

  /** The signed-in user of this tenant, with their groups. */
  @Get('me')
  async me(@Param('tenant') slug: string, @Req() req: Request, @Res() res: Response) {
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ slug });
    const active = tenant ? await this.sessions.find(req, tenant) : null;
    if (!tenant || !active) {
      res.status(401).json({
        statusCode: 401,
        code: 'not_signed_in',
        message: 'Not signed in to this workspace',
        correlationId: (req as GroupsyncRequest).correlationId,
      });
      return;
    }
    const memberships = await this.dataSource
      .getRepository(Membership)
      .find({ where: { tenantId: tenant.id, userId: active.user.id } });
    const groups = memberships.length
      ? await this.dataSource.getRepository(Group).find({
          where: { tenantId: tenant.id, id: In(memberships.map((m) => m.groupId)) },
          select: { id: true, name: true },
        })
      : [];
    const name = new Map(groups.map((g) => [g.id, g.name]));
    res.json({
      tenant: { slug: tenant.slug, name: tenant.name },
      user: {
        id: active.user.id,
        email: active.user.email,
        displayName: active.user.displayName,
        isAdmin: active.user.isAdmin,
      },
      groups: memberships
        .map((m) => ({
          groupId: m.groupId,
          groupName: name.get(m.groupId) ?? '',
          role: m.role,
          source: m.source,
        }))
        .sort((a, b) => a.groupName.localeCompare(b.groupName)),
      csrfToken: active.session.csrfToken,
      expiresAt: active.session.expiresAt.toISOString(),
    });
  }

  @Post('logout')
  async logout(@Param('tenant') slug: string, @Req() req: Request, @Res() res: Response) {
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ slug });
    if (tenant) await this.sessions.end(req, res, tenant);
    res.status(204).end();
  }

  /**
   * Resolves tenant and IdP, runs the step, and turns any refusal into the plain page plus an audit
   * event. Sign-in steps (`limited`) count against the per-address and per-tenant limits first.
   * Anything that is not a refusal (the database, a bug) is a 503 retry page, never a refusal.
   */
  private async refusing(
    req: GroupsyncRequest,
    res: Response,
    slug: string,
    idpSlug: string,
    step: (tenant: Tenant, idp: IdentityProvider, ctx: RequestContext) => Promise<void>,
    limited = true,
  ): Promise<void> {
    const ctx = contextOf(req);
    let tenant: Tenant | null = null;
    let idp: IdentityProvider | null = null;
    try {
      const perAddress = limited
        ? await this.limiter.hit(this.limits.perAddress, clientAddressKey(req.ip))
        : null;
      tenant = await this.dataSource.getRepository(Tenant).findOneBy({ slug });
      idp = tenant
        ? await this.dataSource
            .getRepository(IdentityProvider)
            .findOneBy({ tenantId: tenant.id, slug: idpSlug })
        : null;
      if (!tenant || !idp || !idp.enabled) {
        if (perAddress && !perAddress.allowed)
          return this.sendTooMany(res, perAddress.retryAfterSeconds, ctx);
        return sendRefusalPage(
          res,
          HttpStatus.NOT_FOUND,
          'this sign-in address does not exist or is turned off',
          ctx.correlationId,
        );
      }
      const perTenant = limited ? await this.limiter.hit(this.limits.perTenant, tenant.id) : null;
      const over = [perAddress, perTenant].find((v) => v && !v.allowed);
      if (over) throw tooManyAttempts(over.retryAfterSeconds);
      await step(tenant, idp, ctx);
    } catch (error) {
      if (error instanceof SignInRefusal && tenant && idp) return this.refuse(res, tenant, idp, ctx, error);
      this.logger.error(
        { err: error, idp: idpSlug, tenant: slug, correlationId: ctx.correlationId },
        'Sign-in failed on our side',
      );
      if (!res.headersSent) sendRetryPage(res, ctx.correlationId);
    }
  }

  /** The refusal page, the log line, and the (possibly aggregated) audit event. */
  private async refuse(
    res: Response,
    tenant: Tenant,
    idp: IdentityProvider,
    ctx: RequestContext,
    error: SignInRefusal,
  ): Promise<void> {
    this.logger.warn(
      {
        idp: idp.slug,
        tenant: tenant.slug,
        code: error.code,
        detail: error.detail,
        correlationId: ctx.correlationId,
      },
      `Sign-in refused: ${error.reason}`,
    );
    try {
      await this.refusals.record(tenant, idp, ctx, error);
    } catch (auditError) {
      // The refusal stands even when it cannot be recorded (the database may be what failed).
      this.logger.error(
        { err: auditError, correlationId: ctx.correlationId },
        'Could not audit a refused sign-in',
      );
    }
    if (error.retryAfterSeconds !== undefined) res.set('Retry-After', String(error.retryAfterSeconds));
    sendRefusalPage(res, error.status, error.reason, ctx.correlationId, tenant.name);
  }

  private sendTooMany(res: Response, retryAfterSeconds: number, ctx: RequestContext): void {
    const refusal = tooManyAttempts(retryAfterSeconds);
    res.set('Retry-After', String(retryAfterSeconds));
    sendRefusalPage(res, refusal.status, refusal.reason, ctx.correlationId);
  }
}

const tooManyAttempts = (retryAfterSeconds: number) => {
  const refusal = SignInRefusal.unauthenticated(
    HttpStatus.TOO_MANY_REQUESTS,
    'rate_limited',
    `there were too many sign-in attempts; try again in ${retryAfterSeconds} seconds`,
  );
  refusal.retryAfterSeconds = retryAfterSeconds;
  return refusal;
};
