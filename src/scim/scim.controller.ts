import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { Ctx, RequestContext } from '../common/request-context';
import { Scim, ScimAuthGuard } from './scim-auth.guard';
import { scimError, ScimExceptionFilter } from './scim-error';
import { refuseForbiddenPaths } from './scim-input';
import { resourceTypes, schemas, serviceProviderConfig } from './scim-discovery';
import { ScimGroupsService } from './scim-groups.service';
import { SCIM_MEDIA_TYPE } from './scim-schema';
import type { ScimCaller } from './scim-tokens.service';
import { ScimTokensService } from './scim-tokens.service';
import { ScimUsersService } from './scim-users.service';

/** SCIM 2.0 service provider of a tenant (RFC 7644), for the SCIM client of one IdP connection per token. */
@ApiExcludeController()
@Public()
@UseGuards(ScimAuthGuard)
@UseFilters(ScimExceptionFilter)
@Controller('scim/v2/:tenant')
export class ScimController {
  constructor(
    private readonly users: ScimUsersService,
    private readonly groups: ScimGroupsService,
    private readonly tokens: ScimTokensService,
  ) {}

  private send(res: Response, status: number, body: unknown, location?: string) {
    if (location) res.setHeader('Location', location);
    res.status(status).type(SCIM_MEDIA_TYPE).send(JSON.stringify(body));
  }

  /** SCIM writes are audited as the IdP's SCIM client. */
  private ctx(ctx: RequestContext, caller: ScimCaller): RequestContext {
    return {
      ...ctx,
      actor: { type: 'scim', id: caller.token.id, label: `${caller.idp.slug} SCIM (${caller.token.name})` },
    };
  }

  @Get('ServiceProviderConfig')
  config(@Scim() caller: ScimCaller, @Res() res: Response) {
    this.send(res, 200, serviceProviderConfig(this.tokens.baseUrl(caller.tenant)));
  }

  @Get('ResourceTypes')
  types(@Scim() caller: ScimCaller, @Res() res: Response) {
    const all = resourceTypes(this.tokens.baseUrl(caller.tenant));
    this.send(res, 200, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: all.length,
      startIndex: 1,
      itemsPerPage: all.length,
      Resources: all,
    });
  }

  @Get('Schemas')
  schemaList(@Scim() caller: ScimCaller, @Res() res: Response) {
    const all = schemas(this.tokens.baseUrl(caller.tenant));
    this.send(res, 200, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: all.length,
      startIndex: 1,
      itemsPerPage: all.length,
      Resources: all,
    });
  }

  @Get('ResourceTypes/:id')
  type(@Scim() caller: ScimCaller, @Param('id') id: string, @Res() res: Response) {
    const found = resourceTypes(this.tokens.baseUrl(caller.tenant)).find((r) => r.id === id);
    if (!found) throw scimError('not_found', `resource type ${id} not found`);
    this.send(res, 200, found);
  }

  @Get('Schemas/:id')
  schema(@Scim() caller: ScimCaller, @Param('id') id: string, @Res() res: Response) {
    const found = schemas(this.tokens.baseUrl(caller.tenant)).find((r) => r.id === id);
    if (!found) throw scimError('not_found', `schema ${id} not found`);
    this.send(res, 200, found);
  }

  // Users and Groups share one set of routes: both services answer the same calls.
  @Get(':resource')
  async list(
    @Scim() caller: ScimCaller,
    @Param('resource') resource: string,
    @Query() query: Record<string, unknown>,
    @Res() res: Response,
  ) {
    refuseForbiddenPaths(null, query);
    this.send(res, 200, await this.service(resource).list(caller, query));
  }

  @Post(':resource')
  async create(
    @Scim() caller: ScimCaller,
    @Param('resource') resource: string,
    @Body() body: unknown,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ) {
    const created = await this.service(resource).create(caller, body, this.ctx(ctx, caller));
    this.send(res, 201, created, (created.meta as { location: string }).location);
  }

  @Get(':resource/:id')
  async get(
    @Scim() caller: ScimCaller,
    @Param('resource') resource: string,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Res() res: Response,
  ) {
    refuseForbiddenPaths(null, query);
    this.send(res, 200, await this.service(resource).get(caller, id, query));
  }

  @Put(':resource/:id')
  async replace(
    @Scim() caller: ScimCaller,
    @Param('resource') resource: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ) {
    this.send(res, 200, await this.service(resource).replace(caller, id, body, this.ctx(ctx, caller)));
  }

  @Patch(':resource/:id')
  async patch(
    @Scim() caller: ScimCaller,
    @Param('resource') resource: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ) {
    refuseForbiddenPaths(body, {});
    this.send(res, 200, await this.service(resource).patch(caller, id, body, this.ctx(ctx, caller)));
  }

  @Delete(':resource/:id')
  @HttpCode(204)
  async remove(
    @Scim() caller: ScimCaller,
    @Param('resource') resource: string,
    @Param('id') id: string,
    @Ctx() ctx: RequestContext,
  ) {
    await this.service(resource).remove(caller, id, this.ctx(ctx, caller));
  }

  private service(resource: string): ScimUsersService | ScimGroupsService {
    if (resource === 'Users') return this.users;
    if (resource === 'Groups') return this.groups;
    throw scimError('not_found', `there is no ${resource} endpoint; the resources are Users and Groups`);
  }
}
