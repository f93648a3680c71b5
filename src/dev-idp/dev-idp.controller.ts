import {
  Body,
  Controller,
  Get,
  HttpStatus,
  Logger,
  OnModuleInit,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource, IsNull } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { AppError } from '../common/errors';
import type { GroupsyncRequest } from '../common/request-context';
import { AllConfigType } from '../config/configuration';
import { GroupLink } from '../group-links/group-link.entity';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { samlConfigOf } from '../identity-providers/idp-config';
import { sendRefusalPage } from '../sso/refusal-page';
import { Tenant } from '../tenants/tenant.entity';
import { DevIdpKeys, loadOrCreateDevIdpKeys } from './dev-idp-keys';
import { devIdpMetadata, readAuthnRequest, signedResponse } from './dev-idp-saml';
import { htmlSecurityHeaders } from '../common/security-headers';
import { isValidEmail } from '../common/email';
import { AUTO_POST_SCRIPT, autoPostPage, signInPage, STYLE } from './dev-idp.page';

const MAX_GROUPS = 1000;

/**
 * A SAML identity provider for trying groupsync without a real one (in the spirit of mock-saml):
 * type an email, pick groups, and it posts a properly signed response to the workspace's ACS.
 * Only when DEV_IDP=true; otherwise every route answers 404. It only answers our own ACS URLs.
 */
@ApiExcludeController()
@Public()
@Controller('dev-idp')
export class DevIdpController implements OnModuleInit {
  private readonly logger = new Logger('DevIdP');
  private readonly enabled: boolean;
  private readonly keyFile: string;
  private readonly publicUrl: string;
  private keys?: DevIdpKeys;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: ConfigService<AllConfigType, true>,
  ) {
    const app = config.get('app', { infer: true });
    this.enabled = app.devIdp.enabled;
    this.keyFile = app.devIdp.keyFile;
    this.publicUrl = app.publicUrl;
  }

  onModuleInit() {
    if (this.enabled)
      this.logger.warn(
        `DEV_IDP=true: the development IdP at ${this.entityId} lets anyone sign in as anyone. Never enable it in production.`,
      );
  }

  private get entityId() {
    return `${this.publicUrl}/dev-idp`;
  }

  private signingKeys(): DevIdpKeys {
    if (!this.enabled) throw new AppError('not_found', 'Cannot find this address');
    this.keys ??= loadOrCreateDevIdpKeys(this.keyFile);
    return this.keys;
  }

  @Get('metadata')
  metadata(@Res() res: Response) {
    const keys = this.signingKeys();
    res
      .type('application/samlmetadata+xml')
      .send(devIdpMetadata(this.entityId, `${this.entityId}/sso`, keys.certificate));
  }

  /** The SSO endpoint (HTTP-Redirect binding): shows the sign-in form for this AuthnRequest. */
  @Get('sso')
  async sso(
    @Query('SAMLRequest') samlRequest: unknown,
    @Query('RelayState') relayState: unknown,
    @Req() req: GroupsyncRequest,
    @Res() res: Response,
  ) {
    this.signingKeys();
    let request;
    try {
      if (typeof samlRequest !== 'string' || samlRequest === '') throw new Error('no SAMLRequest');
      request = readAuthnRequest(samlRequest);
    } catch (error) {
      this.logger.warn(
        { error: (error as Error).message, correlationId: req.correlationId },
        'Bad AuthnRequest',
      );
      return sendRefusalPage(
        res,
        HttpStatus.BAD_REQUEST,
        'the development IdP needs a sign-in request; start from the workspace sign-in address (/sso/<workspace>/<idp>/login)',
        req.correlationId ?? 'none',
      );
    }
    const acsUrl = request.acsUrl ?? request.issuer.replace(/\/metadata$/, '/acs');
    const target = await this.workspaceOf(acsUrl);
    htmlSecurityHeaders(res, { styles: [STYLE], formAction: ["'self'"] });
    res.type('html').send(
      signInPage({
        requestId: request.id,
        audience: request.issuer,
        acsUrl,
        relayState: typeof relayState === 'string' ? relayState : '',
        workspace: target?.tenant.name ?? null,
        suggestedGroups: target?.groups ?? [],
      }),
    );
  }

  /** The form's answer: a signed SAML response, carried to the ACS by an auto-posting page. */
  @Post('sso')
  async answer(@Body() body: Record<string, unknown>, @Req() req: GroupsyncRequest, @Res() res: Response) {
    const keys = this.signingKeys();
    const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string).trim() : '');
    const refuse = (reason: string) =>
      sendRefusalPage(res, HttpStatus.BAD_REQUEST, reason, req.correlationId ?? 'none');
    const acsUrl = text('acsUrl');
    const email = text('email');
    if (!(acsUrl.startsWith(`${this.publicUrl}/sso/`) && acsUrl.endsWith('/acs')))
      return refuse(`the development IdP only signs in to this service (${this.publicUrl}/sso/...)`);
    if (!isValidEmail(email)) return refuse('type a valid email address');
    const picked = ([] as unknown[])
      .concat(body.groups ?? [])
      .filter((g): g is string => typeof g === 'string');
    const typed = text('otherGroups').split(/\r?\n/);
    const groups = [...new Set([...picked, ...typed].map((g) => g.trim()).filter(Boolean))];
    if (groups.length > MAX_GROUPS || groups.some((g) => g.length > 512))
      return refuse(`send at most ${MAX_GROUPS} groups of at most 512 characters`);

    const samlResponse = signedResponse(keys, {
      entityId: this.entityId,
      acsUrl,
      audience: text('audience') || acsUrl.replace(/\/acs$/, '/metadata'),
      inResponseTo: text('requestId') || null,
      email,
      displayName: text('displayName') || null,
      groups,
    });
    this.logger.log(
      { email, groups: groups.length, acsUrl, correlationId: req.correlationId },
      'Dev IdP answered',
    );
    // The ACS answers with a redirect inside this service: its origin covers both.
    htmlSecurityHeaders(res, {
      styles: [STYLE],
      scripts: [AUTO_POST_SCRIPT],
      formAction: [new URL(acsUrl).origin],
    });
    res
      .status(200)
      .type('html')
      .send(autoPostPage(acsUrl, samlResponse, text('relayState')));
  }

  /**
   * The workspace behind one of our ACS URLs and the group names its links expect, as suggestions;
   * only for an IdP that trusts this development IdP, so a sign-in request of any other IdP
   * (anyone can start one) shows no workspace name and no group names.
   */
  private async workspaceOf(acsUrl: string): Promise<{ tenant: Tenant; groups: string[] } | null> {
    const match = new RegExp(
      `^${this.publicUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/sso/([^/]+)/([^/]+)/acs$`,
    ).exec(acsUrl);
    if (!match) return null;
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ slug: match[1] });
    const idp = tenant
      ? await this.dataSource
          .getRepository(IdentityProvider)
          .findOneBy({ tenantId: tenant.id, slug: match[2] })
      : null;
    if (!tenant || !idp || idp.type !== 'saml' || samlConfigOf(idp).entityId !== this.entityId) return null;
    const links = await this.dataSource.getRepository(GroupLink).find({
      where: [
        { tenantId: tenant.id, idpId: idp.id },
        { tenantId: tenant.id, idpId: IsNull() },
      ],
      select: { externalGroup: true },
      take: 500,
    });
    const names = [...links.map((l) => l.externalGroup), ...idp.groupSync.adminGroups];
    return { tenant, groups: [...new Set(names)].sort((a, b) => a.localeCompare(b)) };
  }
}
