import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { prototypePollution } from '../common/safe-input';
import { ShutdownDrain } from '../ops/drain';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly drain: ShutdownDrain,
  ) {}

  /** 200 once migrations ran (they run before the server listens) and the database answers. */
  @Public()
  @Get()
  @ApiOperation({ summary: 'Migrated and the database answers (the original check; kept as it was)' })
  async health() {
    await this.databaseAnswers();
    this.prototypeIntact();
    return { status: 'ok' };
  }

  /** The process runs and its event loop turns: restart it only when this fails. No database call. */
  @Public()
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers (no database call); restart it when this fails' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  @ApiServiceUnavailableResponse({ description: 'Object.prototype was modified: replace the process' })
  live() {
    this.prototypeIntact();
    return { status: 'ok' };
  }

  /**
   * Send traffic here? Migrations applied, the database reachable, and not shutting down (a stopping
   * process answers 503 so the load balancer moves on while it finishes what is in flight).
   */
  @Public()
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: migrations applied, database reachable, not shutting down' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  @ApiServiceUnavailableResponse({ description: 'Not ready: the reason is in the message' })
  async ready() {
    if (this.drain.draining) throw new ServiceUnavailableException('Shutting down');
    await this.databaseAnswers();
    let pending: boolean;
    try {
      pending = await this.dataSource.showMigrations();
    } catch {
      throw new ServiceUnavailableException('Database is not reachable');
    }
    if (pending) throw new ServiceUnavailableException('Migrations are pending');
    this.prototypeIntact();
    return { status: 'ok' };
  }

  private async databaseAnswers(): Promise<void> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new ServiceUnavailableException('Database is not reachable');
    }
  }

  /** A polluted Object.prototype breaks queries of every tenant: say so, so the process is replaced. */
  private prototypeIntact(): void {
    if (prototypePollution().length)
      throw new ServiceUnavailableException('Object.prototype was modified: restart this process');
  }
}
