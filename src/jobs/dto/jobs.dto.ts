import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { PageQueryDto } from '../../common/cursor';
import { Optional } from '../../common/validation';
import { JOB_KINDS, JOB_STATUSES, type JobKind, type JobStatus } from '../job.entity';

export class JobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: JOB_STATUSES, description: 'Only jobs in this state' })
  @Optional()
  @IsIn(JOB_STATUSES, { message: `status must be one of ${JOB_STATUSES.join(', ')}` })
  status?: JobStatus;

  @ApiPropertyOptional({ enum: JOB_KINDS, description: 'Only jobs of this kind' })
  @Optional()
  @IsIn(JOB_KINDS, { message: `kind must be one of ${JOB_KINDS.join(', ')}` })
  kind?: JobKind;
}
