import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsValidEmail } from '../../common/email';
import { Optional } from '../../common/validation';

/** The largest paging offset any list accepts (SCIM's startIndex has the same bound). */
const MAX_OFFSET = 999_999_999;

const lowerTrim = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class CreateUserDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(lowerTrim)
  @IsValidEmail('email must be an email address')
  @MaxLength(320)
  email!: string;

  @ApiPropertyOptional() @Optional() @IsString() @IsNotEmpty() @MaxLength(200) displayName?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional() @Optional() @IsString() @IsNotEmpty() @MaxLength(200) displayName?: string;

  @ApiPropertyOptional({ description: 'Tenant admin, set by hand (sync never revokes it)' })
  @Optional()
  @IsBoolean()
  isAdmin?: boolean;

  @ApiPropertyOptional({ enum: ['active', 'blocked'] }) @Optional() @IsIn(['active', 'blocked']) status?:
    'active' | 'blocked';
}

export class ListUsersQueryDto {
  @ApiPropertyOptional({
    description:
      'Email prefix, case-insensitive ("ada" finds ada@example.com and adam@example.org); with email, both apply',
    maxLength: 320,
  })
  @Optional()
  @Transform(lowerTrim)
  @IsString()
  @IsNotEmpty({ message: 'q must not be empty' })
  @MaxLength(320)
  q?: string;

  @ApiPropertyOptional({ description: 'Exact email, case-insensitive' })
  @Optional()
  @Transform(lowerTrim)
  @IsString()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({
    description:
      'Page size. With `cursor`: 1-500 (default 100) and the answer is {items, nextCursor}; ' +
      'without it (older offset paging, kept for existing scripts): 1-1000 and a bare array',
    maximum: 1000,
  })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
  // Bounded like SCIM's startIndex: 1e20 is an "integer" to JavaScript and out of range to PostgreSQL.
  @ApiPropertyOptional({ default: 0, maximum: MAX_OFFSET })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset?: number;

  @ApiPropertyOptional({
    description: 'nextCursor of the previous page (opaque; not with offset); empty for the first page',
  })
  @Optional()
  @IsString()
  @MaxLength(2048)
  @Matches(/^[A-Za-z0-9_-]*$/, { message: 'cursor must be a nextCursor value from a previous page' })
  cursor?: string;
}
