import {
  Controller,
  Get,
  HttpStatus,
  Logger,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { DataSource, In } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { Session } from '../auth/session.entity';
import { NewSession, SessionsService } from '../auth/sessions.service';
import { contextOf, GroupsyncRequest } from '../common/request-context';
import { ConfigService } from '@nestjs/config';
import { AllConfigType } from '../config/configuration';
import { Group } from '../groups/group.entity';
import { Membership } from '../groups/membership.entity';
import { SyncService } from '../sync/sync.service';
import { Tenant } from '../tenants/tenant.entity';
import { lastSignInOf } from './last-sign-in';
import { sendRefusalPage } from './refusal-page';
import { safeReturnTo } from './return-to';
import { assertionUse, rememberAssertion } from './saml-assertion-use';
import { SamlStrategy } from './saml.strategy';
import { SignInRefusalFilter } from './sign-in-refusal.filter';
import { SignInGuard } from './sign-in.guard';
import { SignInRequest, SignInRouteOf, signInTargetOf } from './sign-in-target';
import type { SignedInIdentity } from './signed-in-identity';
import { SsoTargetGuard } from './sso-target.guard';
import { TestSignInGuard } from './test-sign-in/test-sign-in.guard';
import { TestSignInsService } from './test-sign-in/test-sign-ins.service';

/**
 * Per-tenant SSO for browsers: login redirect, IdP callback, who am I, logout. Public routes: the
 * credential here is the IdP's answer, then the session cookie. A sign-in step passes two guards
 * (SsoTargetGuard: limits, tenant and IdP; SignInGuard: the protocol's passport strategy) and ends
 * here with the strategy's outcome; whatever refuses it on the way becomes the refusal page
 * (SignInRefusalFilter).
 */
@ApiExcludeController()
@Public()
@Controller('sso/:tenant')
export class SsoController {
  private readonly logger = new Logger('SSO');
  private readonly publicUrl: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly samlStrategy: SamlStrategy,
    private readonly sync: SyncService,
    private readonly sessions: SessionsService,
    private readonly testSignIns: TestSignInsService,
    config: ConfigService<AllConfigType, true>,
  ) {
    this.publicUrl = config.get('app.publicUrl', { infer: true });
  }

  /** The redirect to the IdP: SAML AuthnRequest, or OIDC authorization request. */
  @Get(':idp/login')
  @SignInRouteOf({ protocol: 'any', step: 'login' })
  @UseGuards(SsoTargetGuard, TestSignInGuard, SignInGuard)
  @UseFilters(SignInRefusalFilter)
  login(@Req() req: SignInRequest, @Res() res: Response) {
    const step = req.user;
    if (!step || !('redirectTo' in step)) throw new Error('the login step did not redirect');
    res.redirect(302, step.redirectTo);
  }

  /** OIDC redirect URI. */
  @Get(':idp/callback')
  @SignInRouteOf({ protocol: 'oidc', step: 'callback' })
  @UseGuards(SsoTargetGuard, SignInGuard)
  @UseFilters(SignInRefusalFilter)
  callback(@Req() req: SignInRequest, @Res() res: Response) {
    return this.completeSignIn(req, res);
  }

  /** SAML assertion consumer (HTTP-POST binding). */
  @Post(':idp/acs')
  @SignInRouteOf({ protocol: 'saml', step: 'acs' })
  @UseGuards(SsoTargetGuard, SignInGuard)
  @UseFilters(SignInRefusalFilter)
  acs(@Req() req: SignInRequest, @Res() res: Response) {
    return this.completeSignIn(req, res);
  }

  /** SAML service provider metadata, for the IdP's configuration. */
  @Get(':idp/metadata')
  @SignInRouteOf({ protocol: 'saml', step: 'metadata' })
  @UseGuards(SsoTargetGuard)
  @UseFilters(SignInRefusalFilter)
  async metadata(@Req() req: SignInRequest, @Res() res: Response) {
    res.type('application/samlmetadata+xml').send(await this.samlStrategy.metadata(req));
  }

  /** Sync and session after a validated sign-in of either protocol. */
  private async completeSignIn(req: SignInRequest, res: Response): Promise<void> {
    const { tenant, idp } = signInTargetOf(req);
    const step = req.user;
    if (!step || !('identity' in step)) throw new Error('the sign-in step did not say who signed in');
    const who: SignedInIdentity = step.identity;
    const ctx = contextOf(req);
    const assertion = who.assertion;
    // An admin's test sign-in (marked where the login state was read): a dry run, nothing written
    // but the assertion's single use.
    if (req.testSignInId) {
      if (assertion) await rememberAssertion(this.dataSource.manager, assertion);
      return res.redirect(302, await this.testSignIns.complete({ tenant, idp }, req.testSignInId, who, ctx));
    }
    // The assertion's use and the session row commit with the sync: one commit per sign-in.
    const started: { session?: NewSession } = {};
    const outcome = await this.sync.signIn(
      tenant,
      idp,
      who,
      { attributes: who.attributes },
      { ...ctx, actor: { type: 'idp', id: idp.id, label: idp.slug } },
      {
        first: assertion ? assertionUse(this.dataSource.manager, assertion) : undefined,
        signedIn: (user) => {
          started.session = this.sessions.newSession(tenant, user.id, idp.id);
          return { target: Session, rows: [started.session.session] };
        },
      },
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
    if (!started.session) throw new Error('the sign-in committed without a session');
    await this.sessions.sendCookie(res, tenant, started.session);
    res.redirect(302, safeReturnTo(who.returnTo, this.publicUrl, `/sso/${tenant.slug}/me`));
  }

  /** The signed-in user of this tenant, with their groups. */
  @Get('me')
  async me(@Param('tenant') slug: string, @Req() req: Request, @Res() res: Response) {
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ slug });
    const active = tenant ? await this.sessions.find(req, tenant) : null;
    if (!tenant || !active) return notSignedIn(req, res);
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

  /** What the signed-in person's last sign-in changed in their groups, and why (the Me page). */
  @Get('me/last-sign-in')
  async lastSignIn(@Param('tenant') slug: string, @Req() req: Request, @Res() res: Response) {
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ slug });
    const active = tenant ? await this.sessions.find(req, tenant) : null;
    if (!tenant || !active) return notSignedIn(req, res);
    res.json(await lastSignInOf(this.dataSource.manager, tenant.id, active.user.id));
  }

  @Post('logout')
  async logout(@Param('tenant') slug: string, @Req() req: Request, @Res() res: Response) {
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ slug });
    if (tenant) await this.sessions.end(req, res, tenant);
    res.status(204).end();
  }
}

function notSignedIn(req: Request, res: Response): void {
  res.status(401).json({
    statusCode: 401,
    code: 'not_signed_in',
    message: 'Not signed in to this workspace',
    correlationId: (req as GroupsyncRequest).correlationId,
  });
}
