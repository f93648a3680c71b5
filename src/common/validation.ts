import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
import { AppError } from './errors';

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const SLUG_MESSAGE =
  '$property must be 1-63 lowercase letters, digits or dashes, not starting or ending with a dash';

function flatten(errors: ValidationError[], prefix = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Unknown fields are an error, not silently dropped; every problem is listed with its field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      if (details.length === 0) return new BadRequestException('Invalid request');
      const summary = details.map((d) => d.problems.join(', ')).join('; ');
      return new AppError('validation_failed', `Invalid request: ${summary}`, details);
    },
  });
}

/**
 * Use instead of class-validator's IsOptional, which lets `null` through unchecked: then
 * `{"status": null}` reached a NOT NULL column as a 500. Only a missing field skips validation;
 * a field that may be cleared says so with `{ nullable: true }`.
 */
export function Optional(options: { nullable?: boolean } = {}): PropertyDecorator {
  return ValidateIf((_, value) => value !== undefined && !(options.nullable === true && value === null));
}
