import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { Optional, SLUG_MESSAGE, SLUG_PATTERN } from '../../common/validation';
import type { Tenant } from '../tenant.entity';

export class TenantSettingsDto {
  @ApiPropertyOptional({
    enum: ['block', 'delete'],
    description: 'What SCIM DELETE does to the user: block (default) or delete',
  })
  @Optional()
  @IsIn(['block', 'delete'])
  scimDeleteAction?: 'block' | 'delete';

  @ApiPropertyOptional({
    description:
      'true: manual membership changes in a group that group links manage are refused (409 membership_locked); ' +
      'the operator token may override with ?force=true. Default false',
  })
  @Optional()
  @IsBoolean()
  lockSyncedMemberships?: boolean;

  @ApiPropertyOptional({
    description:
      "Sync keeps a group's last owner when the IdP stops granting the role (shown as kept as last owner); false removes or downgrades them like anyone else",
    default: true,
  })
  @Optional()
  @IsBoolean()
  keepLastOwner?: boolean;
}

export class CreateTenantDto {
  @ApiProperty({ description: 'URL-safe unique name used in every path', example: 'acme' })
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  slug!: string;

  @ApiProperty({ description: 'Display name', example: 'Acme Corp' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ type: TenantSettingsDto })
  @Optional()
  @ValidateNested()
  @Type(() => TenantSettingsDto)
  settings?: TenantSettingsDto;
}

export class UpdateTenantDto {
  @ApiPropertyOptional({ description: 'Display name' })
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: TenantSettingsDto })
  @Optional()
  @ValidateNested()
  @Type(() => TenantSettingsDto)
  settings?: TenantSettingsDto;
}

export const toTenantResponse = (t: Tenant) => ({
  id: t.id,
  slug: t.slug,
  name: t.name,
  settings: { scimDeleteAction: 'block', lockSyncedMemberships: false, keepLastOwner: true, ...t.settings },
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});
