import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { Optional } from '../../common/validation';
import type { LeaversSettings } from '../../sync/leavers/leavers-settings';

/** Leavers caught without a sign-in (docs/sync.md, "Leavers"); what is left out keeps its value. */
export class LeaversSettingsDto implements Partial<LeaversSettings> {
  @ApiPropertyOptional({
    description:
      'Entra ID with Graph settings: read the groups of users not seen for notSeenDays through Microsoft ' +
      'Graph every N hours and apply them; null: off',
    nullable: true,
    default: null,
    minimum: 1,
    maximum: 720,
  })
  @Optional({ nullable: true })
  @IsInt()
  @Min(1)
  @Max(720)
  graphRefreshHours?: number | null;

  @ApiPropertyOptional({
    description: 'The Graph refresh reads users not seen (sign-in or SCIM write) for this many days',
    default: 30,
    minimum: 1,
    maximum: 3650,
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(3650)
  notSeenDays?: number;

  @ApiPropertyOptional({
    description:
      "Block this IdP's users not seen (sign-in or SCIM write) for this many days, checked daily (or with " +
      'the Graph refresh); null: off',
    nullable: true,
    default: null,
    minimum: 1,
    maximum: 3650,
  })
  @Optional({ nullable: true })
  @IsInt()
  @Min(1)
  @Max(3650)
  blockNotSeenDays?: number | null;
}
