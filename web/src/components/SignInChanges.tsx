import { Text } from '@radix-ui/themes';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { AuditPage } from '../api/types';
import { auditSummary } from '../lib/audit';
import { ErrorCallout } from './ui';

const CHANGE_NAMES: Record<string, string> = {
  'membership.added': 'added',
  'membership.role_changed': 're-roled',
  'membership.removed': 'removed',
  'user.admin_granted': 'admin',
  'user.admin_revoked': 'admin',
};

/** The changes of one sync run (a sign-in, SCIM push or reconcile): the events sharing its correlation id, each with its reason. */
export function SignInChanges({
  tenant,
  correlationId,
  summaryId,
}: {
  tenant: string;
  correlationId: string;
  summaryId: string;
}) {
  const changes = useQuery({
    queryKey: ['audit-run', tenant, correlationId],
    queryFn: () =>
      unwrap<AuditPage>(
        api.GET('/api/v1/tenants/{tenant}/audit-events', {
          params: { path: { tenant }, query: { correlationId, limit: 200 } },
        }),
      ),
  });
  const items = (changes.data?.items ?? []).filter(
    (e) => e.id !== summaryId && (e.action.startsWith('membership.') || e.action.startsWith('user.admin_')),
  );
  return (
    <div data-testid="sign-in-changes">
      <ErrorCallout error={changes.error} title="Could not load the changes" />
      {changes.isSuccess && items.length === 0 ? (
        <Text size="1" color="gray">
          No membership changed in this run.
        </Text>
      ) : null}
      {items.length > 0 ? (
        <ul className="why-list">
          {items
            .slice()
            .reverse()
            .map((e) => (
              <li key={e.id}>
                <Text size="1">
                  <strong>{CHANGE_NAMES[e.action] ?? e.action}</strong>: {auditSummary(e)}
                </Text>
              </li>
            ))}
        </ul>
      ) : null}
    </div>
  );
}
