import { Module } from '@nestjs/common';
import { GraceSweepService } from './grace-sweep.service';
import { ReconcileJobs } from '../jobs/reconcile-job';
import { RemovalGate } from '../removal-safety/removal-gate';
import { LinkImpactService } from './link-impact.service';
import { SyncLoader } from './pipeline/sync-loader';
import { SyncWriter } from './pipeline/sync-writer';
import { PushedGroupsService } from './pushed-groups.service';
import { ReconcileService } from './reconcile.service';
import { SignInDryRun } from './sign-in-dry-run';
import { SyncContextCache } from './sync-context-cache';
import { SyncController } from './sync.controller';
import { SyncService } from './sync.service';

@Module({
  controllers: [SyncController],
  providers: [
    SyncService,
    PushedGroupsService,
    ReconcileService,
    LinkImpactService,
    SyncLoader,
    SyncWriter,
    RemovalGate,
    SyncContextCache,
    GraceSweepService,
    ReconcileJobs,
    SignInDryRun,
  ],
  exports: [
    SyncService,
    SignInDryRun,
    PushedGroupsService,
    LinkImpactService,
    ReconcileService,
    ReconcileJobs,
    SyncLoader,
    SyncWriter,
  ],
})
export class SyncModule {}
