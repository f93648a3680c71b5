import { Global, Module } from '@nestjs/common';
import { JobRunner } from './job-runner.service';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';

/**
 * Background jobs: the queue's API and the runner of every process. Global, like audit: a feature
 * queues its jobs through JobsService and registers its kind with JobRunner (src/jobs/reconcile-job.ts,
 * provided by SyncModule).
 */
@Global()
@Module({
  controllers: [JobsController],
  providers: [JobsService, JobRunner],
  exports: [JobsService, JobRunner],
})
export class JobsModule {}
