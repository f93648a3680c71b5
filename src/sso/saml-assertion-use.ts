import { HttpStatus } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sha256Hex } from '../common/crypto';
import { type FirstWrite, writeFirst } from '../sync/pipeline/first-write';
import { SignInRefusal } from './sign-in-refusal';
import { SsoLoginState } from './sso-login-state.entity';

/** A validated SAML assertion, to be accepted once (its id, scoped to the IdP that signed it). */
export interface UsedAssertion {
  tenantId: string;
  idpId: string;
  assertionId: string;
}

const USED_FOR_MS = 24 * 3600_000;

/**
 * Each assertion is accepted once: its id goes into the login-state table under a unique key, so a
 * replay on any process hits the key and is refused. Written first in the sign-in's sync
 * transaction (SyncService's `first` write, in the statement that reads the user on PostgreSQL): a
 * replay racing the first use waits on the key until that transaction ends, then is refused if it
 * committed.
 */
export function assertionUse(em: EntityManager, used: UsedAssertion): FirstWrite {
  return {
    target: SsoLoginState,
    row: em.getRepository(SsoLoginState).create({
      tenantId: used.tenantId,
      idpId: used.idpId,
      stateHash: sha256Hex(`saml-assertion:${used.idpId}:${used.assertionId}`),
      bindingHash: '',
      nonce: 'used',
      expiresAt: new Date(Date.now() + USED_FOR_MS),
    }),
    onDuplicate: () =>
      SignInRefusal.unauthenticated(
        HttpStatus.UNAUTHORIZED,
        'saml_replay',
        'this sign-in response was already used; start the sign-in again',
        `assertion ${used.assertionId}`,
      ),
  };
}

/** The assertion's single use on its own (an admin's test sign-in, which writes nothing else). */
export async function rememberAssertion(em: EntityManager, used: UsedAssertion): Promise<void> {
  await writeFirst(em, assertionUse(em, used));
}
