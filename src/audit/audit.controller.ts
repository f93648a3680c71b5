import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentTenant } from '../common/request-context';
import type { Tenant } from '../tenants/tenant.entity';
import { AuditEvent } from './audit-event.entity';
import { AuditService } from './audit.service';
import { AuditQueryDto } from './dto/audit-query.dto';

function toAuditEventResponse(e: AuditEvent) {
  return {
    id: e.id,
    createdAt: e.createdAt.toISOString(),
    actor: { type: e.actorType, id: e.actorId, label: e.actorLabel },
    action: e.action,
    target: { type: e.targetType, id: e.targetId },
    userId: e.userId,
    before: e.before,
    after: e.after,
    details: e.details,
    correlationId: e.correlationId,
    ip: e.ip,
    userAgent: e.userAgent,
  };
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant/audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  async list(@CurrentTenant() tenant: Tenant, @Query() q: AuditQueryDto) {
    const page = await this.audit.query(tenant.id, { ...q, limit: q.limit ?? 50 });
    return { items: page.items.map(toAuditEventResponse), nextCursor: page.nextCursor };
  }
}
