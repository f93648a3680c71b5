import { Module } from '@nestjs/common';
import { SyncModule } from '../sync/sync.module';
import { RemovalSafetyController } from './removal-safety.controller';
import { StagedRemovalsService } from './staged-removals.service';
import { SyncResumeService } from './sync-resume.service';

/** Staged removals (the circuit breaker's queue) and resuming a paused sync. The gate itself runs in SyncModule's writer. */
@Module({
  imports: [SyncModule],
  controllers: [RemovalSafetyController],
  providers: [StagedRemovalsService, SyncResumeService],
})
export class RemovalSafetyModule {}
