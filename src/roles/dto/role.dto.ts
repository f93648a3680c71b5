import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { Optional } from '../../common/validation';

/** Lower-case slugs of up to 16 characters: they fit the role columns and compare case-insensitively. */
const ROLE_NAME_PATTERN = /^[a-z](?:[a-z0-9-]{0,14}[a-z0-9])?$/;
const ROLE_NAME_MESSAGE =
  '$property must be 1-16 lowercase letters, digits or dashes, starting with a letter and not ending with a dash';
/** Custom ranks sit below the built-in owner (50), the top of every ladder. */
const MAX_CUSTOM_RANK = 49;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateRoleDto {
  @ApiProperty({ description: 'Lower-case slug, unique in the tenant', example: 'auditor', maxLength: 16 })
  @IsString()
  @Matches(ROLE_NAME_PATTERN, { message: ROLE_NAME_MESSAGE })
  name!: string;

  @ApiProperty({
    description:
      'Higher wins. Built-ins: guest 10, reporter 20, developer 30, maintainer 40, owner 50; unique per tenant',
    minimum: 1,
    maximum: MAX_CUSTOM_RANK,
    example: 25,
  })
  @IsInt()
  @Min(1)
  @Max(MAX_CUSTOM_RANK, { message: 'rank must be at most 49: the built-in owner (50) is the top role' })
  rank!: number;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 255 })
  @Optional({ nullable: true })
  @Transform(trim)
  @IsString()
  @MaxLength(255)
  description?: string | null;
}

export class UpdateRoleDto {
  @ApiPropertyOptional({ description: 'New name; refused while the role is in use', maxLength: 16 })
  @Optional()
  @IsString()
  @Matches(ROLE_NAME_PATTERN, { message: ROLE_NAME_MESSAGE })
  name?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_CUSTOM_RANK })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_CUSTOM_RANK, { message: 'rank must be at most 49: the built-in owner (50) is the top role' })
  rank?: number;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 255 })
  @ValidateIf((_, v) => v !== null)
  @Optional()
  @Transform(trim)
  @IsString()
  @MaxLength(255)
  description?: string | null;
}

export const ROLE_DESCRIPTION =
  "A built-in role (guest < reporter < developer < maintainer < owner) or one of the tenant's roles (GET .../roles)";

/** A role name as the links, memberships and policy DTOs take it; the service checks it against the tenant. */
export const RoleName = (): PropertyDecorator => (target, key) => {
  IsString()(target, key);
  Matches(ROLE_NAME_PATTERN, { message: ROLE_NAME_MESSAGE })(target, key);
};
