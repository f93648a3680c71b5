import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { Optional, SLUG_MESSAGE, SLUG_PATTERN } from '../../common/validation';

export class SyncPreviewDto {
  @ApiProperty({ description: 'Slug of the identity provider the sign-in comes through' })
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  idp!: string;

  @ApiPropertyOptional({ description: 'The user, by email (either this or externalId)' })
  @ValidateIf((o: SyncPreviewDto) => o.externalId === undefined)
  @IsEmail({}, { message: 'email must be an email address (or give externalId)' })
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ description: 'The user, by IdP account id (SAML NameID, OIDC sub)' })
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  externalId?: string;

  @ApiProperty({ description: 'Groups as the IdP would send them, before normalization', type: [String] })
  @IsArray()
  @ArrayMaxSize(10000)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  groups!: string[];

  @ApiPropertyOptional({
    enum: ['present', 'missing', 'overage'],
    default: 'present',
    description: 'Simulate an absent or truncated (Entra overage) claim',
  })
  @Optional()
  @IsIn(['present', 'missing', 'overage'])
  claim?: 'present' | 'missing' | 'overage';
}

export class ReconcileDto {
  @ApiPropertyOptional({ description: 'Only users known to this IdP (default: every IdP of the tenant)' })
  @Optional()
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  idp?: string;

  @ApiPropertyOptional({
    description: 'Only change memberships of this group (e.g. after changing its links)',
  })
  @Optional()
  @IsUUID('all')
  groupId?: string;

  @ApiPropertyOptional({ description: 'Only this user' })
  @Optional()
  @IsUUID('all')
  userId?: string;
}

export class DryRunQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: answer with the impact on members and change nothing',
  })
  @Optional()
  @IsIn(['true', 'false'], { message: 'dryRun must be true or false' })
  dryRun?: 'true' | 'false';
}
