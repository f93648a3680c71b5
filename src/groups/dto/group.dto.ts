import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import type { Role } from '../../sync/engine';
import { RoleName, ROLE_DESCRIPTION } from '../../roles/dto/role.dto';
import type { Group } from '../group.entity';
import type { Membership } from '../membership.entity';
import { Optional } from '../../common/validation';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateGroupDto {
  @ApiProperty({ description: 'Unique in the tenant', example: 'Engineering' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;

  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(2000) description?: string;

  @ApiPropertyOptional({ description: 'Parent group id: members of the parent inherit their role here' })
  @Optional()
  @IsUUID('all')
  parentId?: string;
}

export class UpdateGroupDto {
  @ApiPropertyOptional()
  @Optional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Optional({ nullable: true })
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null makes it a top-level group',
  })
  @ValidateIf((_, v) => v !== null)
  @Optional()
  @IsUUID('all')
  parentId?: string | null;
}

export class PutMemberDto {
  @ApiProperty({ type: String, description: ROLE_DESCRIPTION, example: 'developer' }) @RoleName() role!: Role;
}

export const toGroupResponse = (g: Group) => ({
  id: g.id,
  name: g.name,
  description: g.description,
  parentId: g.parentId,
  createdAt: g.createdAt.toISOString(),
  updatedAt: g.updatedAt.toISOString(),
});

export const toMembershipResponse = (m: Membership) => ({
  userId: m.userId,
  groupId: m.groupId,
  role: m.role,
  source: m.source,
  createdAt: m.createdAt.toISOString(),
  updatedAt: m.updatedAt.toISOString(),
});
