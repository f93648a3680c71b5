import { Module } from '@nestjs/common';
import { LinkImpactService } from './link-impact.service';
import { SyncController } from './sync.controller';
import { SyncService } from './sync.service';

@Module({
  controllers: [SyncController],
  providers: [SyncService, LinkImpactService],
  exports: [SyncService, LinkImpactService],
})
export class SyncModule {}
