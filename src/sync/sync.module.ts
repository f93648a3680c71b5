import { Module } from '@nestjs/common';
import { LinkImpactService } from './link-impact.service';
import { SyncContextCache } from './sync-context-cache';
import { SyncController } from './sync.controller';
import { SyncService } from './sync.service';

@Module({
  controllers: [SyncController],
  providers: [SyncService, LinkImpactService, SyncContextCache],
  exports: [SyncService, LinkImpactService],
})
export class SyncModule {}
