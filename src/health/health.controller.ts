import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { prototypePollution } from '../common/safe-input';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** 200 once migrations ran (they run before the server listens) and the database answers. */
  @Public()
  @Get()
  async health() {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new ServiceUnavailableException('Database is not reachable');
    }
    // A polluted Object.prototype breaks queries of every tenant: say so, so the process is replaced.
    if (prototypePollution().length)
      throw new ServiceUnavailableException('Object.prototype was modified: restart this process');
    return { status: 'ok' };
  }
}
