import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../auth/auth.decorators';
import { workerMetricsText } from './cluster-metrics';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @OperatorOnly()
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics (operator token; or without a token on METRICS_PORT)',
    description:
      'Sign-ins by protocol and outcome, sync changes by kind, SCIM requests by status, latency ' +
      'histograms, event-loop lag, database pool use. With WORKERS>1 the answer covers every process.',
  })
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4' })
  async scrape(): Promise<string> {
    return workerMetricsText(this.metrics.registry);
  }
}
