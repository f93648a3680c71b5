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
} from '@nestjs/common';
import { PAGE_DEFAULT, PageQueryDto, wantsPage } from '../common/cursor';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx, CurrentTenant, RequestContext } from '../common/request-context';
import type { Tenant } from '../tenants/tenant.entity';
import {
  CreateGroupDto,
  PutMemberDto,
  toGroupResponse,
  toMembershipResponse,
  UpdateGroupDto,
} from './dto/group.dto';
import { GroupsService } from './groups.service';
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
  @HttpCode(204)
  async remove(
    @CurrentTenant() tenant: Tenant,
    @Param('groupId', ParseUUIDPipe) groupId: string,
    @Ctx() ctx: RequestContext,
  ) {
    await this.groups.remove(tenant.id, groupId, ctx);
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
    @Ctx() ctx: RequestContext,
  ) {
    return toMembershipResponse(await this.memberships.put(tenant.id, groupId, userId, dto.role, ctx));
  }

  @Delete(':groupId/members/:userId')
  @HttpCode(204)
  async removeMember(
    @CurrentTenant() tenant: Tenant,
    @Param('groupId', ParseUUIDPipe) groupId: string,
    @Param('userId', ParseUUIDPipe) userId: string,
    @Ctx() ctx: RequestContext,
  ) {
    await this.memberships.remove(tenant.id, groupId, userId, ctx);
  }
}
