import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx, CurrentTenant, RequestContext } from '../common/request-context';
import type { Tenant } from '../tenants/tenant.entity';
import { CreateGroupLinkDto, UpdateGroupLinkDto } from './dto/group-link.dto';
import { GroupLinksService } from './group-links.service';

@ApiTags('group-links')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant/groups/:groupId/links')
export class GroupLinksController {
  constructor(private readonly links: GroupLinksService) {}

  @Get()
  list(@CurrentTenant() tenant: Tenant, @Param('groupId', ParseUUIDPipe) groupId: string) {
    return this.links.list(tenant.id, groupId);
  }

  @Post()
  create(
    @CurrentTenant() tenant: Tenant,
    @Param('groupId', ParseUUIDPipe) groupId: string,
    @Body() dto: CreateGroupLinkDto,
    @Ctx() ctx: RequestContext,
  ) {
    return this.links.create(tenant.id, groupId, dto, ctx);
  }

  @Get(':linkId')
  get(
    @CurrentTenant() tenant: Tenant,
    @Param('groupId', ParseUUIDPipe) groupId: string,
    @Param('linkId', ParseUUIDPipe) linkId: string,
  ) {
    return this.links.get(tenant.id, groupId, linkId);
  }

  @Patch(':linkId')
  update(
    @CurrentTenant() tenant: Tenant,
    @Param('groupId', ParseUUIDPipe) groupId: string,
    @Param('linkId', ParseUUIDPipe) linkId: string,
    @Body() dto: UpdateGroupLinkDto,
    @Ctx() ctx: RequestContext,
  ) {
    return this.links.update(tenant.id, groupId, linkId, dto, ctx);
  }

  @Delete(':linkId')
  @HttpCode(204)
  async remove(
    @CurrentTenant() tenant: Tenant,
    @Param('groupId', ParseUUIDPipe) groupId: string,
    @Param('linkId', ParseUUIDPipe) linkId: string,
    @Ctx() ctx: RequestContext,
  ) {
    await this.links.remove(tenant.id, groupId, linkId, ctx);
  }
}
