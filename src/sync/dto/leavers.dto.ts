import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { Optional } from '../../common/validation';
import { DryRunQueryDto } from './sync.dto';

export class BlockInactiveQueryDto extends DryRunQueryDto {
  @ApiPropertyOptional({
    description: 'Dry run only: preview with this many days instead of leavers.blockNotSeenDays',
    minimum: 1,
    maximum: 3650,
  })
  @Optional()
  @Type(() => Number)
  @IsInt({ message: 'notSeenDays must be a whole number' })
  @Min(1)
  @Max(3650)
  notSeenDays?: number;
}
