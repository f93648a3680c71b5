// Response schemas of the admin's look at sign-ins: test sign-ins (docs/saml.md, "Test sign-in") and
// the signed-in person's last sign-in (the Me page).
import {
  s,
  ns,
  time,
  ntime,
  int,
  bool,
  uuid,
  anyObject,
  ref,
  arrayOf,
  obj,
  type Schema,
} from './openapi-schema-parts';

const change = obj(
  {
    action: {
      type: 'string',
      description: 'membership.added, membership.role_changed, membership.removed, user.admin_granted, ...',
    },
    groupId: { ...uuid, nullable: true },
    groupName: ns,
    role: ns,
    from: ns,
    to: ns,
    reason: { ...ns, description: "The engine's sentence: which link, external group or rule" },
  },
  ['groupId', 'groupName', 'role', 'from', 'to'],
);

export const SIGN_IN_SCHEMAS: Record<string, Schema> = {
  TestSignIn: obj({
    id: uuid,
    idp: { type: 'string', description: 'Slug of the identity provider' },
    status: {
      type: 'string',
      enum: ['pending', 'started', 'completed', 'refused'],
      description: 'pending: not opened yet; started: at the IdP; completed or refused: the result is here',
    },
    startedBy: s,
    createdAt: time,
    completedAt: ntime,
    expiresAt: { ...time, description: 'The test and its result are deleted after this' },
    result: {
      ...anyObject,
      description:
        'Null until the IdP answered. outcome (signed-in | refused), refusal {code, reason, detail}, ' +
        'identity, rawClaims, groups {status, complete, normalized}, graph, account, matchedLinks ' +
        '[{linkId, groupId, groupName, externalGroup, role, idpScoped}], plan (SyncPlan)',
    },
  }),
  NewTestSignIn: {
    allOf: [
      ref('TestSignIn'),
      obj({
        loginUrl: {
          type: 'string',
          description: 'Open in a browser: the real sign-in through the IdP, once, as a test',
        },
      }),
    ],
  },
  LastSignIn: {
    ...obj({
      at: time,
      idp: ns,
      correlationId: s,
      adds: int,
      roleChanges: int,
      removals: int,
      complete: { ...bool, description: 'False: the group list was incomplete, so nothing was removed' },
      changes: arrayOf(change),
    }),
    nullable: true,
    description: 'What the last sign-in changed and why; null before any sign-in',
  },
};
