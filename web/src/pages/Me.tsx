import { Badge, Button, Card, Flex, Heading, Link, Spinner, Table, Text } from '@radix-ui/themes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link as RouterLink, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { AuditPage } from '../api/types';
import { useWorkspaceSession } from '../auth';
import { SignInChanges } from '../components/SignInChanges';
import { EmptyState, ErrorCallout } from '../components/ui';
import { syncSummary } from '../lib/audit';
import { membershipSourceText } from '../lib/users';

/**
 * The signed-in person's own page (any user of the workspace, admin or not), from /sso/:tenant/me:
 * their groups and roles, and sign-out. Admins also see what their last sign-in changed, read
 * from the audit log (which only admins may read).
 */
export function MePage() {
  const { tenant = '' } = useParams();
  const queryClient = useQueryClient();
  const me = useWorkspaceSession(tenant, true);
  const isAdmin = !!me.data?.user.isAdmin;
  const lastSignIn = useQuery({
    queryKey: ['my-last-sign-in', tenant, me.data?.user.id],
    enabled: isAdmin,
    queryFn: () =>
      unwrap<AuditPage>(
        api.GET('/api/v1/tenants/{tenant}/audit-events', {
          params: { path: { tenant }, query: { userId: me.data!.user.id, action: 'sync.applied', limit: 1 } },
        }),
      ),
  });
  const signOut = useMutation({
    mutationFn: () =>
      fetch(`/sso/${encodeURIComponent(tenant)}/logout`, { method: 'POST', credentials: 'same-origin' }),
    // Set, not refetched: asking /me again would only log a 401 in the console.
    onSettled: () => queryClient.setQueryData(['me', tenant], null),
  });
  if (me.isPending)
    return (
      <Flex justify="center" p="6">
        <Spinner size="3" aria-label="Loading" />
      </Flex>
    );
  const run = lastSignIn.data?.items[0];
  return (
    <main className="shell">
      <Flex direction="column" gap="4">
        <ErrorCallout error={me.error} title="Could not read your session" />
        {!me.data ? (
          <EmptyState title={`You are not signed in to ${tenant}`}>
            Sign in through your organisation's sign-in page for this workspace, then come back here.
          </EmptyState>
        ) : (
          <>
            <Flex justify="between" align="center" wrap="wrap" gap="3">
              <Heading as="h1" size="5">
                {me.data.user.displayName ?? me.data.user.email}{' '}
                <Text size="2" color="gray">
                  in {me.data.tenant.name}
                </Text>
              </Heading>
              <Button variant="soft" loading={signOut.isPending} onClick={() => signOut.mutate()}>
                Sign out
              </Button>
            </Flex>
            <Card>
              <dl className="facts">
                <dt>Email</dt>
                <dd>{me.data.user.email}</dd>
                <dt>Workspace admin</dt>
                <dd>
                  {isAdmin ? (
                    <>
                      Yes ·{' '}
                      <Link asChild>
                        <RouterLink to={`/t/${tenant}`}>open the admin pages</RouterLink>
                      </Link>
                    </>
                  ) : (
                    'No'
                  )}
                </dd>
                <dt>Session ends</dt>
                <dd>{new Date(me.data.expiresAt).toLocaleString()}</dd>
              </dl>
            </Card>
            <Heading as="h2" size="4">
              Your groups
            </Heading>
            {me.data.groups.length === 0 ? (
              <EmptyState title="You are not in any group">
                Groups come from your organisation's IdP groups at sign-in. If you expected access, ask a
                workspace administrator which IdP group grants it.
              </EmptyState>
            ) : (
              <div className="table-wrap">
                <Table.Root variant="surface" aria-label="Your groups">
                  <Table.Header>
                    <Table.Row>
                      <Table.ColumnHeaderCell>Group</Table.ColumnHeaderCell>
                      <Table.ColumnHeaderCell>Role</Table.ColumnHeaderCell>
                      <Table.ColumnHeaderCell>Why</Table.ColumnHeaderCell>
                    </Table.Row>
                  </Table.Header>
                  <Table.Body>
                    {me.data.groups.map((g) => (
                      <Table.Row key={g.groupId} data-testid="my-group">
                        <Table.RowHeaderCell>{g.groupName}</Table.RowHeaderCell>
                        <Table.Cell>
                          <Badge>{g.role}</Badge>
                        </Table.Cell>
                        <Table.Cell>
                          <Text size="1">{membershipSourceText(g.source)}</Text>
                        </Table.Cell>
                      </Table.Row>
                    ))}
                  </Table.Body>
                </Table.Root>
              </div>
            )}
            {isAdmin && run ? (
              <Card>
                <Heading as="h2" size="3" mb="2">
                  Your last sign-in ({new Date(run.createdAt).toLocaleString()})
                </Heading>
                <Text as="p" size="2">
                  {syncSummary((run.details ?? {}) as Record<string, unknown>)}
                </Text>
                {run.correlationId ? (
                  <SignInChanges tenant={tenant} correlationId={run.correlationId} summaryId={run.id} />
                ) : null}
              </Card>
            ) : null}
          </>
        )}
      </Flex>
    </main>
  );
}
