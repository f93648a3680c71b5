import { Module } from '@nestjs/common';
import { IdentityProvidersModule } from '../../identity-providers/identity-providers.module';
import { SyncModule } from '../sync.module';
import { GraphRefreshService } from './graph-refresh.service';
import { InactivityService } from './inactivity.service';
import { LeaversController } from './leavers.controller';
import { LeaversScheduler } from './leavers-scheduler';

/** Leavers caught without a sign-in: Graph refresh, inactivity rule, their schedule (docs/sync.md). */
@Module({
  imports: [SyncModule, IdentityProvidersModule],
  controllers: [LeaversController],
  providers: [GraphRefreshService, InactivityService, LeaversScheduler],
})
export class LeaversModule {}
