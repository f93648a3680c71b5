import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { RoleName, ROLE_DESCRIPTION } from '../../roles/dto/role.dto';
import type { DefaultMembership, GroupSyncPolicy, RemovalPolicy, Role } from '../../sync/engine';
import { Optional } from '../../common/validation';

const REMOVALS: RemovalPolicy[] = ['enforce', 'default-role', 'synced-only', 'never'];

/** A grace period of at most a year: longer is no longer a grace period but a removal switched off. */
const MAX_REMOVAL_GRACE_HOURS = 8760;

class DefaultMembershipDto implements DefaultMembership {
  @ApiProperty({ description: 'A group of this workspace', format: 'uuid' })
  @IsUUID()
  groupId!: string;

  @ApiProperty({ type: String, description: ROLE_DESCRIPTION })
  @RoleName()
  role!: Role;
}

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

  @ApiPropertyOptional({
    description:
      'Hours a membership sync would remove stays, marked pending removal, before it goes; a claim that justifies it again cancels it',
    default: 0,
    minimum: 0,
    maximum: MAX_REMOVAL_GRACE_HOURS,
  })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(MAX_REMOVAL_GRACE_HOURS)
  removalGraceHours?: number;

  @ApiPropertyOptional({
    type: [DefaultMembershipDto],
    description: 'Memberships given to users of this IdP whose groups match no link',
    default: [],
  })
  @Optional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => DefaultMembershipDto)
  defaultMemberships?: DefaultMembershipDto[];

  @ApiPropertyOptional({
    description: 'Remove the default memberships once the user matches a link',
    default: false,
  })
  @Optional()
  @IsBoolean()
  removeDefaultsOnMatch?: boolean;
}
