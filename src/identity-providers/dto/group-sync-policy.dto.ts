import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { ROLES } from '../../common/roles';
import type { GroupSyncPolicy, RemovalPolicy, Role } from '../../sync/engine';

const REMOVALS: RemovalPolicy[] = ['enforce', 'default-role', 'synced-only', 'never'];

/** Every field optional: what is left out takes the default (docs/sync.md). */
export class GroupSyncPolicyDto implements Partial<GroupSyncPolicy> {
  @ApiPropertyOptional({ description: 'Sync groups at sign-in', default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: 'Claim / attribute names that carry groups', default: ['groups'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(512, { each: true })
  claims?: string[];

  @ApiPropertyOptional({
    description: 'Split each claim value on this string',
    nullable: true,
    default: null,
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(8)
  delimiter?: string | null;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() caseSensitive?: boolean;

  @ApiPropertyOptional({ description: 'Use the first CN of a DN as the group name', default: false })
  @IsOptional()
  @IsBoolean()
  dnCommonName?: boolean;

  @ApiPropertyOptional({
    description: 'External group equal to a local group name joins it with defaultRole',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  matchByName?: boolean;

  @ApiPropertyOptional({ enum: ROLES, default: 'guest' }) @IsOptional() @IsIn(ROLES) defaultRole?: Role;

  @ApiPropertyOptional({ enum: REMOVALS, default: 'enforce' })
  @IsOptional()
  @IsIn(REMOVALS)
  removal?: RemovalPolicy;

  @ApiPropertyOptional({ description: 'Members of these external groups become tenant admins', default: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(512, { each: true })
  adminGroups?: string[];

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() prohibitSignupIfNotInGroup?: boolean;

  @ApiPropertyOptional({
    enum: ['keep', 'empty'],
    default: 'keep',
    description: 'An absent claim means unknown (keep) or no groups (empty)',
  })
  @IsOptional()
  @IsIn(['keep', 'empty'])
  missingClaim?: 'keep' | 'empty';

  @ApiPropertyOptional({ enum: ['keep', 'graph'], default: 'keep' })
  @IsOptional()
  @IsIn(['keep', 'graph'])
  overage?: 'keep' | 'graph';

  @ApiPropertyOptional({ description: 'Create unknown users at sign-in', default: true })
  @IsOptional()
  @IsBoolean()
  jit?: boolean;
}
