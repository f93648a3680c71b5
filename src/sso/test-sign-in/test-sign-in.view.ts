import type { TestSignIn } from './test-sign-in.entity';

/** A test sign-in as the admin API answers it (the token is never returned after the start). */
export const testSignInView = (row: TestSignIn, idpSlug: string) => ({
  id: row.id,
  idp: idpSlug,
  status: row.status,
  startedBy: row.startedBy,
  createdAt: row.createdAt.toISOString(),
  completedAt: row.completedAt?.toISOString() ?? null,
  expiresAt: row.expiresAt.toISOString(),
  result: row.result,
});
