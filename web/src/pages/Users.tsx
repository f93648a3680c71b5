import { Badge, Button, Card, Flex, Heading, Link, Table, Text, TextField } from '@radix-ui/themes';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link as RouterLink, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { UserDetail } from '../api/types';
import { EmptyState, ErrorCallout, Field, fieldErrors } from '../components/ui';
import { adminText, externalSourceText, membershipSourceText } from '../lib/users';

const PAGE = 100;
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

/** Find a user by email (exact, case-insensitive, as the API matches); without a search, the first 100 by email. */
export function UsersPage() {
  const { tenant = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const email = params.get('email') ?? '';
  const [typed, setTyped] = useState(email);
  const users = useQuery({
    queryKey: ['users', tenant, email],
    queryFn: () =>
      unwrap<UserDetail[]>(
        api.GET('/api/v1/tenants/{tenant}/users', {
          params: { path: { tenant }, query: email ? { email } : { limit: PAGE } },
        }),
      ),
  });
  const search = (e: FormEvent) => {
    e.preventDefault();
    setParams(typed.trim() ? { email: typed.trim() } : {});
  };
  const list = users.data ?? [];
  return (
    <Flex direction="column" gap="4">
      <Heading as="h2" size="4">
        Users
      </Heading>
      <Card>
        <form onSubmit={search} role="search" aria-label="Find a user">
          <Flex gap="3" wrap="wrap" align="end">
            <Field id="user-email" label="Email" hint="The whole address; upper and lower case do not matter" errors={fieldErrors(users.error, 'email')}>
              <TextField.Root id="user-email" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} />
            </Field>
            <Button type="submit">Find</Button>
            {email ? (
              <Button
                type="button"
                variant="soft"
                onClick={() => {
                  setTyped('');
                  setParams({});
                }}
              >
                Show everyone
              </Button>
            ) : null}
          </Flex>
        </form>
      </Card>
      <ErrorCallout error={users.error} title="Could not load the users" />
      {users.isSuccess && list.length === 0 ? (
        email ? (
          <EmptyState title={`Nobody with the email ${email}`}>
            Check the address, or ask the person to sign in once through the workspace's identity provider: users are
            created at their first sign-in or when the IdP pushes them by SCIM.
          </EmptyState>
        ) : (
          <EmptyState title="No users yet">
            Users appear when they first sign in through one of the workspace's identity providers, or when the IdP
            provisions them by SCIM (see SCIM tokens).
          </EmptyState>
        )
      ) : null}
      {list.length > 0 ? (
        <div className="table-wrap">
          <Table.Root variant="surface" aria-label="Users">
            <Table.Header>
              <Table.Row>
                <Table.ColumnHeaderCell>Email</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell className="hide-narrow">Name</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>Status</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>Groups</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell className="hide-narrow">Last sign-in</Table.ColumnHeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {list.map((u) => (
                <Table.Row key={u.id} data-testid="user-row">
                  <Table.RowHeaderCell>
                    <Link asChild>
                      <RouterLink to={u.id}>{u.email}</RouterLink>
                    </Link>
                    {u.isAdmin ? (
                      <Badge ml="2" color="blue">
                        admin
                      </Badge>
                    ) : null}
                  </Table.RowHeaderCell>
                  <Table.Cell className="hide-narrow">{u.displayName ?? ''}</Table.Cell>
                  <Table.Cell>{u.status}</Table.Cell>
                  <Table.Cell>{u.memberships.length}</Table.Cell>
                  <Table.Cell className="hide-narrow">{when(u.lastSignInAt)}</Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table.Root>
        </div>
      ) : null}
      {!email && list.length === PAGE ? (
        <Text size="1" color="gray">
          The first {PAGE} users by email are shown; find anyone else by their email.
        </Text>
      ) : null}
    </Flex>
  );
}

/** One user: status, admin, memberships with where each comes from, and the groups the IdP last sent. */
export function UserPage() {
  const { tenant = '', userId = '' } = useParams();
  const user = useQuery({
    queryKey: ['user', tenant, userId],
    queryFn: () =>
      unwrap<UserDetail>(api.GET('/api/v1/tenants/{tenant}/users/{userId}', { params: { path: { tenant, userId } } })),
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
                <Badge color={u.status === 'active' ? 'green' : 'red'}>{u.status}</Badge>
              </dd>
              <dt>Workspace admin</dt>
              <dd>{adminText(u)}</dd>
              <dt>Last sign-in</dt>
              <dd>{when(u.lastSignInAt)}</dd>
              <dt>Identities</dt>
              <dd>
                {u.identities.length
                  ? u.identities.map((i) => `${i.idp}: ${i.externalId}`).join(', ')
                  : 'none yet (never signed in nor provisioned)'}
              </dd>
            </dl>
          </Card>

          <Heading as="h3" size="3">
            Memberships
          </Heading>
          {u.memberships.length === 0 ? (
            <EmptyState title="Not in any group">
              Link a group to one of this person's IdP groups (listed below) and they join it at their next sign-in, or
              at once with "Apply now" on the group's links.
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <Table.Root variant="surface" aria-label="Memberships">
                <Table.Header>
                  <Table.Row>
                    <Table.ColumnHeaderCell>Group</Table.ColumnHeaderCell>
                    <Table.ColumnHeaderCell>Role</Table.ColumnHeaderCell>
                    <Table.ColumnHeaderCell>Source</Table.ColumnHeaderCell>
                  </Table.Row>
                </Table.Header>
                <Table.Body>
                  {u.memberships.map((m) => (
                    <Table.Row key={m.groupId} data-testid="membership-row">
                      <Table.RowHeaderCell>
                        <Link asChild>
                          <RouterLink to={`/t/${tenant}/groups/${m.groupId}`}>{m.groupName}</RouterLink>
                        </Link>
                      </Table.RowHeaderCell>
                      <Table.Cell>{m.role}</Table.Cell>
                      <Table.Cell>{membershipSourceText(m.source)}</Table.Cell>
                    </Table.Row>
                  ))}
                </Table.Body>
              </Table.Root>
            </div>
          )}

          <Heading as="h3" size="3">
            External groups the IdP last sent
          </Heading>
          {u.externalGroups.length === 0 ? (
            <EmptyState title="No IdP groups known">
              None arrived yet: groups are recorded at each sign-in (from the IdP policy's group claims) and from SCIM
              pushes. If the person has signed in, check the group claim names on the identity provider's page.
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
