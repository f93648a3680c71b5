import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsUUID, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/cursor';
import { Optional, SLUG_MESSAGE, SLUG_PATTERN } from '../../common/validation';

const STAGED_IDS_MAX = 5000;

export class StagedRemovalsQueryDto extends PageQueryDto {}

/** Which staged removals an approve or discard acts on. */
export class StagedRemovalIdsDto {
  @ApiPropertyOptional({
    type: [String],
    description: `Ids of staged removals (1-${STAGED_IDS_MAX}); absent: all of the tenant's`,
  })
  @Optional()
  @IsArray()
  @ArrayMinSize(1, { message: 'ids must name at least one staged removal; leave it out to act on all' })
  @ArrayMaxSize(STAGED_IDS_MAX)
  @IsUUID('all', { each: true })
  ids?: string[];
}

export class ResumeDto {
  @ApiPropertyOptional({
    description: 'Resume this IdP (its syncPaused); absent: the tenant (its settings.syncPaused)',
  })
  @Optional()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  idp?: string;
}

export class ResumeQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: answer the changes resuming would apply, per user, and change nothing',
  })
  @Optional()
  @IsIn(['true', 'false'], { message: 'dryRun must be true or false' })
  dryRun?: 'true' | 'false';
}
