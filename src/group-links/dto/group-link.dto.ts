import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import type { Role } from '../../sync/engine';
import { RoleName, ROLE_DESCRIPTION } from '../../roles/dto/role.dto';
import { Optional, SLUG_MESSAGE, SLUG_PATTERN } from '../../common/validation';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateGroupLinkDto {
  @ApiProperty({ description: 'The IdP group name or object id, as the IdP sends it', example: 'Developers' })
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
