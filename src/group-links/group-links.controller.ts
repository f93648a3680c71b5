import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PAGE_DEFAULT, PageQueryDto, wantsPage } from '../common/cursor';
import { Ctx, CurrentTenant, RequestContext } from '../common/request-context';
import { DryRunQueryDto } from '../sync/dto/sync.dto';
import { LinkChangeKind, LinkImpactService } from '../sync/link-impact.service';
import type { Tenant } from '../tenants/tenant.entity';
import { CreateGroupLinkDto, UpdateGroupLinkDto } from './dto/group-link.dto';
import { GroupLink } from './group-link.entity';
import { GroupLinksService } from './group-links.service';

/**
 * Writes take `?dryRun=true`: the answer is then 200 `{dryRun, change, link, impact}` and nothing is
 * written. The handlers send their own status because it depends on that flag.
 */
@ApiTags('group-links')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant/groups/:groupId/links')
export class GroupLinksController {
  constructor(
    private readonly links: GroupLinksService,
    private readonly impact: LinkImpactService,
  ) {}

  @Get()
  list(
    @CurrentTenant() tenant: Tenant,
    @Param('groupId', ParseUUIDPipe) groupId: string,
    @Query() q: PageQueryDto,
  ) {
    if (!wantsPage(q)) return this.links.list(tenant.id, groupId);
    return this.links.list(tenant.id, groupId, { limit: q.limit ?? PAGE_DEFAULT, cursor: q.cursor });
  }

  @Post()
  async create(
    @CurrentTenant() tenant: Tenant,
    @Param('groupId', ParseUUIDPipe) groupId: string,
    @Body() dto: CreateGroupLinkDto,
    @Query() q: DryRunQueryDto,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ) {
    if (q.dryRun === 'true')
      return this.dryRun(
        res,
        tenant,
        'create',
        await this.links.propose(tenant.id, groupId, { kind: 'create', dto }),
      );
    res.status(201).json(await this.links.create(tenant.id, groupId, dto, ctx));
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
  async update(
    @CurrentTenant() tenant: Tenant,
    @Param('groupId', ParseUUIDPipe) groupId: string,
    @Param('linkId', ParseUUIDPipe) linkId: string,
    @Body() dto: UpdateGroupLinkDto,
    @Query() q: DryRunQueryDto,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ) {
    if (q.dryRun === 'true')
      return this.dryRun(
        res,
        tenant,
        'update',
        await this.links.propose(tenant.id, groupId, { kind: 'update', linkId, dto }),
      );
    res.status(200).json(await this.links.update(tenant.id, groupId, linkId, dto, ctx));
  }

  @Delete(':linkId')
  async remove(
    @CurrentTenant() tenant: Tenant,
    @Param('groupId', ParseUUIDPipe) groupId: string,
    @Param('linkId', ParseUUIDPipe) linkId: string,
    @Query() q: DryRunQueryDto,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ) {
    if (q.dryRun === 'true')
      return this.dryRun(
        res,
        tenant,
        'delete',
        await this.links.propose(tenant.id, groupId, { kind: 'delete', linkId }),
      );
    await this.links.remove(tenant.id, groupId, linkId, ctx);
    res.status(204).end();
  }

  private async dryRun(
    res: Response,
    tenant: Tenant,
    change: LinkChangeKind,
    proposed: { link: GroupLink; view: unknown },
  ) {
    const { id, groupId, idpId, externalGroup, role, label, matchType, targetFromCapture } = proposed.link;
    const impact = await this.impact.impact(tenant, change, {
      ...{ id, groupId, idpId, externalGroup, role, label },
      ...{ matchType, targetFromCapture },
    });
    res.status(200).json({ dryRun: true, change, link: proposed.view, impact });
  }
}
