import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import { DeleteQueryDto, deleteMode, ForceQueryDto } from '../common/delete-query';
import { PAGE_DEFAULT, PageQueryDto, wantsPage } from '../common/cursor';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx, CurrentPrincipal, CurrentTenant, Principal, RequestContext } from '../common/request-context';
import type { Tenant } from '../tenants/tenant.entity';
import {
  CreateGroupDto,
  PutMemberDto,
  toGroupResponse,
  toMembershipResponse,
  UpdateGroupDto,
} from './dto/group.dto';
import { GroupsService } from './groups.service';
import { manualWrite } from './membership-lock';
import { MembershipsService } from './memberships.service';

@ApiTags('groups')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant/groups')
export class GroupsController {
  constructor(
    private readonly groups: GroupsService,
    private readonly memberships: MembershipsService,
  ) {}

  @Post()
  async create(@CurrentTenant() tenant: Tenant, @Body() dto: CreateGroupDto, @Ctx() ctx: RequestContext) {
    return toGroupResponse(await this.groups.create(tenant.id, dto, ctx));
  }

  @Get()
  async list(@CurrentTenant() tenant: Tenant, @Query() q: PageQueryDto) {
    if (!wantsPage(q)) return (await this.groups.list(tenant.id)).map(toGroupResponse);
    const page = await this.groups.page(tenant.id, q.limit ?? PAGE_DEFAULT, q.cursor);
    return { items: page.items.map(toGroupResponse), nextCursor: page.nextCursor };
  }

  @Get(':groupId')
  async get(@CurrentTenant() tenant: Tenant, @Param('groupId', ParseUUIDPipe) groupId: string) {
    return toGroupResponse(await this.groups.get(tenant.id, groupId));
  }

  @Patch(':groupId')
  async update(
    @CurrentTenant() tenant: Tenant,
    @Param('groupId', ParseUUIDPipe) groupId: string,
    @Body() dto: UpdateGroupDto,
    @Ctx() ctx: RequestContext,
  ) {
    return toGroupResponse(await this.groups.update(tenant.id, groupId, dto, ctx));
  }

  @Delete(':groupId')
  async remove(
    @CurrentTenant() tenant: Tenant,
    @Param('groupId', ParseUUIDPipe) groupId: string,
    @Query() q: DeleteQueryDto,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ) {
    const mode = deleteMode(q);
    const found = await this.groups.remove(tenant.id, groupId, ctx, mode);
    if (mode.dryRun) res.status(200).json({ dryRun: true, ...found });
    else res.status(204).end();
  }

  @Get(':groupId/members')
  members(
    @CurrentTenant() tenant: Tenant,
    @Param('groupId', ParseUUIDPipe) groupId: string,
    @Query() q: PageQueryDto,
  ) {
    if (!wantsPage(q)) return this.memberships.listMembers(tenant.id, groupId);
    return this.memberships.pageMembers(tenant.id, groupId, q.limit ?? PAGE_DEFAULT, q.cursor);
  }

  @Put(':groupId/members/:userId')
  async putMember(
    @CurrentTenant() tenant: Tenant,
    @Param('groupId', ParseUUIDPipe) groupId: string,
    @Param('userId', ParseUUIDPipe) userId: string,
    @Body() dto: PutMemberDto,
    @Query() q: ForceQueryDto,
    @CurrentPrincipal() principal: Principal | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    const write = manualWrite(tenant, principal, q.force);
    return toMembershipResponse(await this.memberships.put(tenant.id, groupId, userId, dto.role, ctx, write));
  }

  @Delete(':groupId/members/:userId')
  @HttpCode(204)
  async removeMember(
    @CurrentTenant() tenant: Tenant,
    @Param('groupId', ParseUUIDPipe) groupId: string,
    @Param('userId', ParseUUIDPipe) userId: string,
    @Query() q: ForceQueryDto,
    @CurrentPrincipal() principal: Principal | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    await this.memberships.remove(tenant.id, groupId, userId, ctx, manualWrite(tenant, principal, q.force));
  }
}
