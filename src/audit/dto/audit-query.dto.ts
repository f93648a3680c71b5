import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsDate,
  IsInt,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxDate,
  MaxLength,
  Min,
  MinDate,
} from 'class-validator';
import { Optional, SLUG_MESSAGE, SLUG_PATTERN } from '../../common/validation';

// Dates both databases store: JavaScript reaches year -271821, PostgreSQL stops at 4713 BC.
const EARLIEST = new Date('0001-01-01T00:00:00.000Z');
const LATEST = new Date('9999-12-31T23:59:59.999Z');
const IN_RANGE = { message: '$property must be between years 1 and 9999' };

export class AuditQueryDto {
  @ApiPropertyOptional({
    description: 'Exact action (membership.added) or a prefix ending in * (membership.*)',
  })
  @Optional()
  @Matches(/^[a-z_.]{1,64}\*?$/, { message: 'action must look like group.created or group.*' })
  action?: string;

  @ApiPropertyOptional({ description: 'Only events about this user' })
  @Optional()
  @IsUUID('all')
  userId?: string;

  @ApiPropertyOptional({
    description:
      'Only events of this request: the correlation id an error or a refused sign-in shows (exact match)',
    maxLength: 64,
  })
  @Optional()
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, {
    message: 'correlationId must be a correlation id (letters, digits, . _ : -)',
  })
  correlationId?: string;

  @ApiPropertyOptional({ description: 'Only events about the user with this email (exact, any case)' })
  @Optional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsString()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({
    description: 'Only events about this group: the group, its memberships, its current links',
  })
  @Optional()
  @IsUUID('all')
  groupId?: string;

  @ApiPropertyOptional({
    description:
      "Slug of an identity provider: its sign-ins and refusals, its SCIM tokens' requests, its settings",
  })
  @Optional()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  idp?: string;

  @ApiPropertyOptional({ description: 'ISO 8601 time, inclusive' })
  @Optional()
  @Type(() => Date)
  @IsDate({ message: 'since must be an ISO 8601 date-time' })
  @MinDate(EARLIEST, IN_RANGE)
  @MaxDate(LATEST, IN_RANGE)
  since?: Date;

  @ApiPropertyOptional({ description: 'ISO 8601 time, exclusive' })
  @Optional()
  @Type(() => Date)
  @IsDate({ message: 'until must be an ISO 8601 date-time' })
  @MinDate(EARLIEST, IN_RANGE)
  @MaxDate(LATEST, IN_RANGE)
  until?: Date;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @Optional()
  @IsUUID('all', { message: 'cursor must be a nextCursor value from a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ description: 'Page size, 1-200', default: 50 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
