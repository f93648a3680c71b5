import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, OmitType } from '@nestjs/swagger';
import type { Response } from 'express';
import { once } from 'node:events';
import { CurrentTenant } from '../common/request-context';
import type { Tenant } from '../tenants/tenant.entity';
import { AUDIT_CSV_COLUMNS, auditCsvRow } from './audit-csv';
import { AuditService } from './audit.service';
import { AuditQueryDto } from './dto/audit-query.dto';

/** The filters of the audit list, without its paging: the export is the whole filtered result. */
class AuditCsvQueryDto extends OmitType(AuditQueryDto, ['cursor', 'limit'] as const) {}

/** Events read per query: the export holds one batch in memory at a time, whatever its length. */
const BATCH = 1000;

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant')
export class AuditCsvController {
  private readonly logger = new Logger('AuditCsv');

  constructor(private readonly audit: AuditService) {}

  /**
   * Streams every event of the filter as CSV, newest first, paging by cursor inside: constant
   * memory, and the first bytes leave before the last events are read.
   */
  @Get('audit-events.csv')
  async export(@CurrentTenant() tenant: Tenant, @Query() q: AuditCsvQueryDto, @Res() res: Response) {
    const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '');
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="audit-${tenant.slug}-${stamp}.csv"`);
    res.write(AUDIT_CSV_COLUMNS.join(',') + '\r\n');
    let cursor: string | undefined;
    try {
      do {
        const page = await this.audit.query(tenant.id, { ...q, cursor, limit: BATCH });
        const chunk = page.items.map(auditCsvRow).join('');
        if (chunk && !res.write(chunk)) await once(res, 'drain');
        cursor = page.nextCursor ?? undefined;
      } while (cursor && !res.destroyed);
      res.end();
    } catch (error) {
      // The status is sent: a cut-off download is the only way left to say it failed.
      this.logger.error({ err: error, tenant: tenant.slug }, 'Audit CSV export failed');
      res.destroy(error as Error);
    }
  }
}
