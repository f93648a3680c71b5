import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { RoleName, ROLE_DESCRIPTION } from '../../roles/dto/role.dto';
import type { GroupSyncPolicy, RemovalPolicy, Role } from '../../sync/engine';
import { Optional } from '../../common/validation';

const REMOVALS: RemovalPolicy[] = ['enforce', 'default-role', 'synced-only', 'never'];

/** Every field optional: what is left out takes the default (docs/sync.md). */
export class GroupSyncPolicyDto implements Partial<GroupSyncPolicy> {
  @ApiPropertyOptional({ description: 'Sync groups at sign-in', default: true })
  @Optional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: 'Claim / attribute names that carry groups', default: ['groups'] })
  @Optional()
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
  @Optional({ nullable: true })
  @IsString()
  @IsNotEmpty()
  @MaxLength(8)
  delimiter?: string | null;

  @ApiPropertyOptional({ default: true }) @Optional() @IsBoolean() caseSensitive?: boolean;

  @ApiPropertyOptional({ description: 'Use the first CN of a DN as the group name', default: false })
  @Optional()
  @IsBoolean()
  dnCommonName?: boolean;

  @ApiPropertyOptional({
    description: 'External group equal to a local group name joins it with defaultRole',
    default: false,
  })
  @Optional()
  @IsBoolean()
  matchByName?: boolean;

  @ApiPropertyOptional({ type: String, description: ROLE_DESCRIPTION, default: 'guest' })
  @Optional()
  @RoleName()
  defaultRole?: Role;

  @ApiPropertyOptional({ enum: REMOVALS, default: 'enforce' })
  @Optional()
  @IsIn(REMOVALS)
  removal?: RemovalPolicy;

  @ApiPropertyOptional({ description: 'Members of these external groups become tenant admins', default: [] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(512, { each: true })
  adminGroups?: string[];

  @ApiPropertyOptional({ default: false }) @Optional() @IsBoolean() prohibitSignupIfNotInGroup?: boolean;

  @ApiPropertyOptional({
    enum: ['keep', 'empty'],
    default: 'keep',
    description: 'An absent claim means unknown (keep) or no groups (empty)',
  })
  @Optional()
  @IsIn(['keep', 'empty'])
  missingClaim?: 'keep' | 'empty';

  @ApiPropertyOptional({ enum: ['keep', 'graph'], default: 'keep' })
  @Optional()
  @IsIn(['keep', 'graph'])
  overage?: 'keep' | 'graph';

  @ApiPropertyOptional({ description: 'Create unknown users at sign-in', default: true })
  @Optional()
  @IsBoolean()
  jit?: boolean;
}
