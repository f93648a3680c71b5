import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DEFAULT_REMOVAL_SAFETY, resolveRemovalSafety } from '../../removal-safety/removal-budget';
import { Optional, SLUG_MESSAGE, SLUG_PATTERN } from '../../common/validation';
import type { Tenant } from '../tenant.entity';

/** Partial: keys left out keep their stored value (or default). docs/sync.md, "Removal safety". */
export class RemovalSafetyDto {
  @ApiPropertyOptional({
    default: DEFAULT_REMOVAL_SAFETY.enabled,
    description: 'Stage sync removals past the limit',
  })
  @Optional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    default: DEFAULT_REMOVAL_SAFETY.maxRemovals,
    minimum: 0,
    maximum: 1_000_000,
    description: 'Sync removals within the window that always pass (0: only the percent counts)',
  })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  maxRemovals?: number;

  @ApiPropertyOptional({
    default: DEFAULT_REMOVAL_SAFETY.maxRemovalPercent,
    minimum: 0,
    maximum: 100,
    description: "Percent of the tenant's sync-managed memberships that may go within the window",
  })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(100)
  maxRemovalPercent?: number;

  @ApiPropertyOptional({
    default: DEFAULT_REMOVAL_SAFETY.windowMinutes,
    minimum: 1,
    maximum: 10_080,
    description: 'The window removals are counted in, in minutes (at most a week)',
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(10_080)
  windowMinutes?: number;
}

export class TenantSettingsDto {
  @ApiPropertyOptional({ type: RemovalSafetyDto, description: 'The mass-removal circuit breaker' })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => RemovalSafetyDto)
  removalSafety?: RemovalSafetyDto;

  @ApiPropertyOptional({
    default: false,
    description:
      'Pause sync: sign-ins and SCIM store what the IdP says, no membership or admin change is written. ' +
      'Setting it to false resumes without applying what waits; POST .../sync/resume previews and applies it.',
  })
  @Optional()
  @IsBoolean()
  syncPaused?: boolean;

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
  @IsObject()
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
  @IsObject()
  @ValidateNested()
  @Type(() => TenantSettingsDto)
  settings?: TenantSettingsDto;
}

export const toTenantResponse = (t: Tenant) => ({
  id: t.id,
  slug: t.slug,
  name: t.name,
  settings: {
    scimDeleteAction: 'block',
    lockSyncedMemberships: false,
    keepLastOwner: true,
    ...t.settings,
    syncPaused: t.settings.syncPaused === true,
    removalSafety: resolveRemovalSafety(t.settings.removalSafety),
  },
  /** When the removal circuit breaker opened (staged removals wait); null while closed. */
  removalBreakerTrippedAt: t.removalBreakerTrippedAt?.toISOString() ?? null,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});
