import { codeOfStatus, statusOf } from './error-codes';
import { AppError, badRequest, conflict, notFound } from './errors';

describe('error codes and their statuses', () => {
  it('takes the status from the one table, whatever helper built the error', () => {
    expect(conflict('last_owner', 'x').statusCode).toBe(409);
    expect(badRequest('group_cycle', 'x').statusCode).toBe(400);
    expect(new AppError('too_many_failed_credentials', 'x').statusCode).toBe(429);
    expect(new AppError('uniqueness', 'x').statusCode).toBe(409);
    expect(new AppError('mutability', 'x').statusCode).toBe(400);
  });

  it('any <thing>_not_found is a 404 with its own code', () => {
    const error = notFound('Identity provider', 'okta');
    expect([error.statusCode, error.code, error.message]).toEqual([
      404,
      'identity_provider_not_found',
      'Identity provider "okta" was not found',
    ]);
    expect(statusOf('membership_of_user_not_found')).toBe(404);
  });

  it('gives framework exceptions a code from their status, "error" when none fits', () => {
    expect(codeOfStatus(404)).toBe('not_found');
    expect(codeOfStatus(415)).toBe('unsupported_media_type');
    expect(codeOfStatus(418)).toBe('error');
  });
});
