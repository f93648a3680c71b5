// Response schemas of removal safety and leavers (docs/sync.md sections 16, 21, 22): the breaker's
// staged removals, resuming a paused sync, the Graph refresh and the inactivity rule.
import {
  s,
  ns,
  time,
  int,
  bool,
  uuid,
  ref,
  arrayOf,
  role,
  obj,
  page,
  type Schema,
} from './openapi-schema-parts';

export const REMOVAL_SAFETY_SCHEMAS: Record<string, Schema> = {
  GraphRefreshResult: obj(
    {
      dryRun: bool,
      notSeenDays: int,
      usersConsidered: { ...int, description: 'Active users of the IdP not seen for notSeenDays' },
      usersRead: { ...int, description: 'Complete Graph answers' },
      usersChanged: int,
      usersBlocked: { ...int, description: 'Gone from Entra ID (404)' },
      usersFailed: { ...int, description: 'Incomplete answers: nothing changed for them' },
      usersSkipped: { ...int, description: 'No Entra object id known, or blocked meanwhile' },
      usersNotRead: { ...int, description: 'Left for the next run after Graph throttled (429)' },
      blocksWithheld: {
        ...int,
        description: 'Gone from Graph but not blocked: more than 10 and more than half of those asked',
      },
      throttled: { ...obj({ retryAfterSeconds: int }), nullable: true },
      failures: arrayOf(obj({ userId: uuid, reason: s })),
      users: arrayOf(
        obj(
          {
            userId: uuid,
            email: s,
            lastSeenAt: time,
            outcome: {
              type: 'string',
              enum: ['changes', 'unchanged', 'blocked', 'failed', 'skipped', 'not-read'],
            },
            reason: ns,
            plan: ref('SyncPlan'),
          },
          ['plan'],
        ),
      ),
    },
    ['users'],
  ),
  InactivityResult: obj({
    dryRun: bool,
    notSeenDays: int,
    usersBlocked: { ...int, description: 'Blocked, or with dryRun would be' },
    users: arrayOf(obj({ userId: uuid, email: s, lastSeenAt: time })),
  }),
  StagedRemoval: obj({
    id: uuid,
    userId: uuid,
    email: s,
    groupId: uuid,
    groupName: s,
    role,
    reason: s,
    trigger: { type: 'string', enum: ['sign-in', 'reconcile', 'scim', 'graph-refresh', 'grace-period'] },
    idp: s,
    createdAt: time,
  }),
  StagedRemovalPage: page('StagedRemoval', 'A page of staged removals, oldest first'),
  StagedRemovalsApproved: obj({
    approved: int,
    skipped: arrayOf(obj({ id: uuid, userId: uuid, groupId: uuid, why: s })),
  }),
  StagedRemovalsDiscarded: obj({ discarded: int }),
  SyncResume: {
    ...obj(
      {
        dryRun: bool,
        resume: obj({ tenant: bool, idp: ns }),
        stillPaused: obj({ tenant: bool, idps: arrayOf(s) }),
        totals: obj({
          usersEvaluated: int,
          usersChanged: int,
          adds: int,
          roleChanges: int,
          removals: int,
          adminChanges: int,
        }),
        users: arrayOf(
          obj({
            userId: uuid,
            email: s,
            idp: s,
            adds: arrayOf(obj({ groupId: uuid, groupName: s, reason: s, role })),
            roleChanges: arrayOf(obj({ groupId: uuid, groupName: s, reason: s, from: role, to: role })),
            removals: arrayOf(obj({ groupId: uuid, groupName: s, reason: s, role })),
            admin: { ...obj({ from: bool, to: bool }), nullable: true },
          }),
        ),
        truncated: bool,
        result: ref('ReconcileResult'),
      },
      ['totals', 'users', 'truncated', 'result'],
    ),
    description: 'dryRun: the pending changes per user (totals, users, truncated); otherwise result',
  },
  SyncResumeQueued: {
    ...obj({
      dryRun: bool,
      resume: obj({ tenant: bool, idp: ns }),
      stillPaused: obj({ tenant: bool, idps: arrayOf(s) }),
      job: ref('Job'),
    }),
    description:
      'The pause is lifted and its pending changes are applied by a reconcile job; Location names it (GET .../jobs/{id})',
  },
};
