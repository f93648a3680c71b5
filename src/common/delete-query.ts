import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Optional } from './validation';

/** `?force=true`: do it although something would be lost or a lock refuses it. Only true or false. */
export class ForceQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: go ahead although the answer would otherwise be 409 (see the 409 details)',
  })
  @Optional()
  @IsIn(['true', 'false'], { message: 'force must be true or false' })
  force?: 'true' | 'false';
}

/** A DELETE that would take attached rows with it: refused (409) unless forced; dryRun only lists them. */
export class DeleteQueryDto extends ForceQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: answer 200 with what the delete would take with it, and delete nothing',
  })
  @Optional()
  @IsIn(['true', 'false'], { message: 'dryRun must be true or false' })
  dryRun?: 'true' | 'false';
}

export interface DeleteMode {
  force: boolean;
  dryRun: boolean;
}

export const deleteMode = (q: DeleteQueryDto): DeleteMode => ({
  force: q.force === 'true',
  dryRun: q.dryRun === 'true',
});

/** Rows of each kind a delete preview (409 details, dry run) lists; the counts are always complete. */
export const PREVIEW_ROWS = 50;

/**
 * What a delete would take with it: the 409's `details` and, with `dryRun: true`, the dry run's
 * answer. `items` holds the first PREVIEW_ROWS rows of each kind in `counts`, in a stable order.
 */
export interface DeletePreview {
  target: { type: string; id: string; name: string };
  /** True when anything is attached: then a delete without ?force=true is refused with this list. */
  requiresForce: boolean;
  counts: Record<string, number>;
  items: Record<string, object[]>;
}

export const preview = (
  target: DeletePreview['target'],
  counts: Record<string, number>,
  items: Record<string, object[]>,
): DeletePreview => ({
  target,
  requiresForce: Object.values(counts).some((n) => n > 0),
  counts,
  items,
});

/** "3 members, 1 link" from the non-zero counts, with the words for each kind. */
export function describeCounts(counts: Record<string, number>, words: Record<string, string>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${words[kind] ?? kind}`);
  return parts.join(', ');
}
