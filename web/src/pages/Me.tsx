import { Badge, Button, Card, Flex, Heading, Link, Spinner, Table, Text } from '@radix-ui/themes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link as RouterLink, useParams } from 'react-router';
import type { LastSignIn } from '../api/types';
import { useWorkspaceSession } from '../auth';
import { EmptyState, ErrorCallout } from '../components/ui';
import { lastSignInLine } from '../lib/sign-in-result';
import { membershipSourceText } from '../lib/users';

/**
 * The signed-in person's own page (any user of the workspace, admin or not), from /sso/:tenant/me:
 * their groups and roles, what their last sign-in changed and why (/sso/:tenant/me/last-sign-in,
 * their own events only), and sign-out.
 */
export function MePage() {
  const { tenant = '' } = useParams();
  const queryClient = useQueryClient();
  const me = useWorkspaceSession(tenant, true);
  const isAdmin = !!me.data?.user.isAdmin;
  const lastSignIn = useQuery({
    queryKey: ['my-last-sign-in', tenant, me.data?.user.id],
    enabled: !!me.data,
    queryFn: async (): Promise<LastSignIn | null> => {
      const res = await fetch(`/sso/${encodeURIComponent(tenant)}/me/last-sign-in`, {
        credentials: 'same-origin',
      });
      if (!res.ok) throw new Error(`Could not read your last sign-in (${res.status})`);
      return (await res.json()) as LastSignIn | null;
    },
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
  const last = lastSignIn.data;
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
            <ErrorCallout error={lastSignIn.error} title="Could not read your last sign-in" />
            {last ? <LastSignInCard last={last} /> : null}
          </>
        )}
      </Flex>
    </main>
  );
}

/** What the last sign-in changed in the person's groups, each change with the rule behind it. */
function LastSignInCard({ last }: { last: LastSignIn }) {
  const n = last.adds + last.roleChanges + last.removals;
  return (
    <Card data-testid="last-sign-in">
      <Heading as="h2" size="3" mb="2">
        Your last sign-in ({new Date(last.at).toLocaleString()}
        {last.idp ? ` through ${last.idp}` : ''})
      </Heading>
      <Text as="p" size="2">
        {n
          ? `${last.adds} added, ${last.roleChanges} re-roled, ${last.removals} removed.`
          : 'Nothing changed in your groups.'}
        {last.complete ? '' : ' Your group list arrived incomplete, so nothing was removed.'}
      </Text>
      {last.changes.length > 0 ? (
        <ul className="why-list">
          {last.changes.map((c, i) => {
            const line = lastSignInLine(c);
            return (
              <li key={i}>
                <Text size="2">
                  <strong>{line.what}</strong>
                  {line.why ? `: ${line.why}` : ''}
                </Text>
              </li>
            );
          })}
        </ul>
      ) : null}
    </Card>
  );
}
