import {
  Body,
  HttpStatus,
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
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { Ctx, RequestContext } from '../common/request-context';
import { Scim, ScimAuthGuard } from './scim-auth.guard';
import { scimError } from './scim-error';
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
    if (!found) throw scimError(HttpStatus.NOT_FOUND, null, `resource type ${id} not found`);
    this.send(res, 200, found);
  }

  @Get('Schemas/:id')
  schema(@Scim() caller: ScimCaller, @Param('id') id: string, @Res() res: Response) {
    const found = schemas(this.tokens.baseUrl(caller.tenant)).find((r) => r.id === id);
    if (!found) throw scimError(HttpStatus.NOT_FOUND, null, `schema ${id} not found`);
    this.send(res, 200, found);
  }

  @Get('Users')
  async listUsers(@Scim() caller: ScimCaller, @Query() query: Record<string, unknown>, @Res() res: Response) {
    this.send(res, 200, await this.users.list(caller, query));
  }

  @Post('Users')
  async createUser(
    @Scim() caller: ScimCaller,
    @Body() body: unknown,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ) {
    const user = await this.users.create(caller, body, this.ctx(ctx, caller));
    this.send(res, 201, user, (user.meta as { location: string }).location);
  }

  @Get('Users/:id')
  async getUser(
    @Scim() caller: ScimCaller,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Res() res: Response,
  ) {
    this.send(res, 200, await this.users.get(caller, id, query));
  }

  @Put('Users/:id')
  async replaceUser(
    @Scim() caller: ScimCaller,
    @Param('id') id: string,
    @Body() body: unknown,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ) {
    this.send(res, 200, await this.users.replace(caller, id, body, this.ctx(ctx, caller)));
  }

  @Patch('Users/:id')
  async patchUser(
    @Scim() caller: ScimCaller,
    @Param('id') id: string,
    @Body() body: unknown,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ) {
    this.send(res, 200, await this.users.patch(caller, id, body, this.ctx(ctx, caller)));
  }

  @Delete('Users/:id')
  @HttpCode(204)
  async deleteUser(@Scim() caller: ScimCaller, @Param('id') id: string, @Ctx() ctx: RequestContext) {
    await this.users.remove(caller, id, this.ctx(ctx, caller));
  }

  @Get('Groups')
  async listGroups(
    @Scim() caller: ScimCaller,
    @Query() query: Record<string, unknown>,
    @Res() res: Response,
  ) {
    this.send(res, 200, await this.groups.list(caller, query));
  }

  @Post('Groups')
  async createGroup(
    @Scim() caller: ScimCaller,
    @Body() body: unknown,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ) {
    const group = await this.groups.create(caller, body, this.ctx(ctx, caller));
    this.send(res, 201, group, (group.meta as { location: string }).location);
  }

  @Get('Groups/:id')
  async getGroup(
    @Scim() caller: ScimCaller,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Res() res: Response,
  ) {
    this.send(res, 200, await this.groups.get(caller, id, query));
  }

  @Put('Groups/:id')
  async replaceGroup(
    @Scim() caller: ScimCaller,
    @Param('id') id: string,
    @Body() body: unknown,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ) {
    this.send(res, 200, await this.groups.replace(caller, id, body, this.ctx(ctx, caller)));
  }

  @Patch('Groups/:id')
  async patchGroup(
    @Scim() caller: ScimCaller,
    @Param('id') id: string,
    @Body() body: unknown,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ) {
    this.send(res, 200, await this.groups.patch(caller, id, body, this.ctx(ctx, caller)));
  }

  @Delete('Groups/:id')
  @HttpCode(204)
  async deleteGroup(@Scim() caller: ScimCaller, @Param('id') id: string, @Ctx() ctx: RequestContext) {
    await this.groups.remove(caller, id, this.ctx(ctx, caller));
  }
}
