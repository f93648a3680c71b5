import { Global, Module } from '@nestjs/common';
import { ShutdownDrain } from './drain';
import { MetricsController } from './metrics.controller';
import { MetricsPortServer } from './metrics-port';
import { MetricsService } from './metrics.service';

/** Running the service: metrics, the in-flight tracking a graceful stop waits on. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [ShutdownDrain, MetricsService, MetricsPortServer],
  exports: [ShutdownDrain, MetricsService],
})
export class OpsModule {}
