import { Global, Module } from '@nestjs/common';
import { AuditCsvController } from './audit-csv.controller';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { OverviewController } from './overview.controller';
import { OverviewService } from './overview.service';

@Global()
@Module({
  controllers: [AuditController, AuditCsvController, OverviewController],
  providers: [AuditService, OverviewService],
  exports: [AuditService],
})
export class AuditModule {}
