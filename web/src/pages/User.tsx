import { Badge, Button, Card, Flex, Heading, Link, Table, Text } from '@radix-ui/themes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link as RouterLink, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { MembershipsWhy, UserDetail } from '../api/types';
import { EmptyState, ErrorCallout } from '../components/ui';
import {
  adminText,
  confirmedText,
  externalSourceText,
  lastChangeText,
  matchText,
  membershipSourceText,
} from '../lib/users';
import { when } from './Users';

/** One user: status and admin (with block and admin switches), why each membership, and the groups the IdP last sent. */
export function UserPage() {
  const { tenant = '', userId = '' } = useParams();
  const queryClient = useQueryClient();
  const path = { tenant, userId };
  const user = useQuery({
    queryKey: ['user', tenant, userId],
    queryFn: () =>
      unwrap<UserDetail>(api.GET('/api/v1/tenants/{tenant}/users/{userId}', { params: { path } })),
  });
  const why = useQuery({
    queryKey: ['user-why', tenant, userId],
    queryFn: () =>
      unwrap<MembershipsWhy>(
        api.GET('/api/v1/tenants/{tenant}/users/{userId}/memberships', { params: { path } }),
      ),
  });
  const change = useMutation({
    mutationFn: (body: { status?: 'active' | 'blocked'; isAdmin?: boolean }) =>
      unwrap<UserDetail>(api.PATCH('/api/v1/tenants/{tenant}/users/{userId}', { params: { path }, body })),
    onSuccess: (next) => {
      queryClient.setQueryData(['user', tenant, userId], next);
      void queryClient.invalidateQueries({ queryKey: ['users', tenant] });
    },
  });
  const u = user.data;
  return (
    <Flex direction="column" gap="4">
      <Text size="2">
        <Link asChild>
          <RouterLink to={`/t/${tenant}/users`}>← Users</RouterLink>
        </Link>
      </Text>
      <ErrorCallout error={user.error} title="Could not load this user" />
      {u ? (
        <>
          <Heading as="h2" size="4">
            {u.email}
          </Heading>
          <Card>
            <dl className="facts">
              <dt>Name</dt>
              <dd>{u.displayName ?? '(none sent)'}</dd>
              <dt>Status</dt>
              <dd>
                <Flex gap="3" align="center" wrap="wrap">
                  <Badge color={u.status === 'active' ? 'green' : 'red'}>{u.status}</Badge>
                  <Button
                    size="1"
                    variant="soft"
                    color={u.status === 'active' ? 'red' : undefined}
                    loading={change.isPending && change.variables?.status !== undefined}
                    onClick={() => change.mutate({ status: u.status === 'active' ? 'blocked' : 'active' })}
                  >
                    {u.status === 'active' ? 'Block' : 'Unblock'}
                  </Button>
                  <Text size="1" color="gray">
                    {u.status === 'active'
                      ? 'A blocked user cannot sign in; their memberships stay.'
                      : 'Blocked by an administrator or the IdP (SCIM); unblocking lets them sign in again.'}
                  </Text>
                </Flex>
              </dd>
              <dt>Workspace admin</dt>
              <dd>
                <Flex gap="3" align="center" wrap="wrap">
                  <Text>{adminText(u)}</Text>
                  <Button
                    size="1"
                    variant="soft"
                    loading={change.isPending && change.variables?.isAdmin !== undefined}
                    onClick={() => change.mutate({ isAdmin: !u.isAdmin })}
                  >
                    {u.isAdmin ? 'Remove admin' : 'Make admin'}
                  </Button>
                  {u.adminSource === 'sync' ? (
                    <Text size="1" color="gray">
                      Granted by an admin group: the next sign-in grants it again while the IdP sends that
                      group.
                    </Text>
                  ) : null}
                </Flex>
              </dd>
              <dt>Last sign-in</dt>
              <dd>{when(u.lastSignInAt)}</dd>
              <dt>Identities</dt>
              <dd>
                {u.identities.length
                  ? u.identities.map((i) => `${i.idp}: ${i.externalId}`).join(', ')
                  : 'none yet (never signed in nor provisioned)'}
              </dd>
            </dl>
            <ErrorCallout error={change.error} title="Not changed" />
          </Card>
          <Memberships tenant={tenant} why={why.data} error={why.error} />
          <ExternalGroups u={u} />
          <Text size="2">
            <Link asChild>
              <RouterLink to={`/t/${tenant}/audit?userId=${u.id}`}>This user's audit events</RouterLink>
            </Link>
          </Text>
        </>
      ) : null}
    </Flex>
  );
}

function Memberships({ tenant, why, error }: { tenant: string; why?: MembershipsWhy; error: unknown }) {
  return (
    <>
      <Heading as="h3" size="3">
        Memberships and why
      </Heading>
      <ErrorCallout error={error} title="Could not load why" />
      {why && why.memberships.length === 0 ? (
        <EmptyState title="Not in any group">
          Link a group to one of this person's IdP groups (listed below) and they join it at their next
          sign-in, or at once with "Apply now" on the group's links.
        </EmptyState>
      ) : null}
      {why && why.memberships.length > 0 ? (
        <div className="table-wrap">
          <Table.Root variant="surface" aria-label="Memberships">
            <Table.Header>
              <Table.Row>
                <Table.ColumnHeaderCell>Group</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>Role</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>Why</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell className="hide-narrow">Last confirmed</Table.ColumnHeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {why.memberships.map((m) => (
                <Table.Row key={m.groupId} data-testid="membership-row">
                  <Table.RowHeaderCell>
                    <Link asChild>
                      <RouterLink to={`/t/${tenant}/groups/${m.groupId}`}>{m.groupName}</RouterLink>
                    </Link>
                  </Table.RowHeaderCell>
                  <Table.Cell>
                    <Text weight="medium">{m.role}</Text>
                    <Text as="p" size="1" color="gray">
                      {m.roleWhy}
                    </Text>
                  </Table.Cell>
                  <Table.Cell>
                    <Text as="p" size="2">
                      {membershipSourceText(m.source)}
                    </Text>
                    {m.matches.length ? (
                      <ul className="why-list">
                        {m.matches.map((x) => (
                          <li key={`${x.linkId ?? 'name'}/${x.idp}/${x.via}/${x.value}`}>
                            <Text size="1">{matchText(x)}</Text>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <Text as="p" size="1" color="gray">
                        {m.why}
                      </Text>
                    )}
                    {m.lastChange ? (
                      <Text as="p" size="1" color="gray">
                        {lastChangeText(m.lastChange)}
                      </Text>
                    ) : null}
                  </Table.Cell>
                  <Table.Cell className="hide-narrow">
                    <Text size="1">{confirmedText(m)}</Text>
                  </Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table.Root>
        </div>
      ) : null}
      {why && why.inherited.length > 0 ? (
        <Text as="p" size="2" data-testid="inherited">
          Inherited:{' '}
          {why.inherited.map((i) => `${i.groupName} as ${i.role} (from ${i.fromGroupName})`).join('; ')}
        </Text>
      ) : null}
    </>
  );
}

function ExternalGroups({ u }: { u: UserDetail }) {
  return (
    <>
      <Heading as="h3" size="3">
        External groups the IdP last sent
      </Heading>
      {u.externalGroups.length === 0 ? (
        <EmptyState title="No IdP groups known">
          None arrived yet: groups are recorded at each sign-in (from the IdP policy's group claims) and from
          SCIM pushes. If the person has signed in, check the group claim names on the identity provider's
          page.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <Table.Root variant="surface" aria-label="External groups">
            <Table.Header>
              <Table.Row>
                <Table.ColumnHeaderCell>IdP group</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>IdP</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>Sent</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell className="hide-narrow">Last seen</Table.ColumnHeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {u.externalGroups.map((x) => (
                <Table.Row key={`${x.idp}/${x.source}/${x.externalGroup}`} data-testid="external-group-row">
                  <Table.RowHeaderCell>
                    <span className="mono">{x.externalGroup}</span>
                  </Table.RowHeaderCell>
                  <Table.Cell>{x.idp}</Table.Cell>
                  <Table.Cell>{externalSourceText(x.source)}</Table.Cell>
                  <Table.Cell className="hide-narrow">{when(x.seenAt)}</Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table.Root>
        </div>
      )}
    </>
  );
}
