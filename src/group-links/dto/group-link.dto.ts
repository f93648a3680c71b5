import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import type { MatchType, Role } from '../../sync/engine';
import { RoleName, ROLE_DESCRIPTION } from '../../roles/dto/role.dto';
import { Optional, SLUG_MESSAGE, SLUG_PATTERN } from '../../common/validation';

const MATCH_TYPES: MatchType[] = ['exact', 'glob', 'regex'];

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateGroupLinkDto {
  @ApiProperty({
    description:
      'The IdP group name or object id, as the IdP sends it; with matchType glob or regex, the pattern (at most 200 characters)',
    example: 'Developers',
  })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  externalGroup!: string;

  @ApiProperty({ type: String, description: ROLE_DESCRIPTION, example: 'developer' })
  @RoleName()
  role!: Role;

  @ApiPropertyOptional({
    description: 'Slug of the IdP this link applies to; absent = every IdP of the tenant',
  })
  @Optional()
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  idp?: string;

  @ApiPropertyOptional({
    enum: MATCH_TYPES,
    default: 'exact',
    description:
      'exact: the name itself; glob: `*` any run of characters, `?` one; regex: an RE2 regular expression, ' +
      'anchored (^...$ implied), run in linear time. Patterns follow the IdP caseSensitive setting, as names do.',
  })
  @Optional()
  @IsIn(MATCH_TYPES, { message: `matchType must be one of ${MATCH_TYPES.join(', ')}` })
  matchType?: MatchType;

  @ApiPropertyOptional({
    default: false,
    description:
      'regex only: the target is the group whose name equals capture 1 (ignoring case), in this tenant; ' +
      'the group in the path is only where the link is listed. No such group: no membership (groups are never created).',
  })
  @Optional()
  @IsBoolean()
  targetFromCapture?: boolean;

  @ApiPropertyOptional({ description: 'Readable name for an object id, e.g. "Developers (Entra)"' })
  @Optional()
  @Transform(trim)
  @IsString()
  @MaxLength(255)
  label?: string;
}

export class UpdateGroupLinkDto {
  @ApiPropertyOptional({ type: String, description: ROLE_DESCRIPTION })
  @Optional()
  @RoleName()
  role?: Role;

  @ApiPropertyOptional({ type: String, nullable: true })
  @ValidateIf((_, v) => v !== null)
  @Optional()
  @Transform(trim)
  @IsString()
  @MaxLength(255)
  label?: string | null;
}
