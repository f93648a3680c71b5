import { Badge, Button, Card, Flex, Heading, Link, Table, Text, TextField } from '@radix-ui/themes';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link as RouterLink, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { Page, UserDetail } from '../api/types';
import { EmptyState, ErrorCallout, Field, fieldErrors } from '../components/ui';

const PAGE = 100;
export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

/** Find users by the start of their email (any case, `?q=`); without a search, everyone by email, 100 at a time. */
export function UsersPage() {
  const { tenant = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [typed, setTyped] = useState(q);
  const users = useInfiniteQuery({
    queryKey: ['users', tenant, q],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap<Page<UserDetail>>(
        api.GET('/api/v1/tenants/{tenant}/users', {
          params: {
            path: { tenant },
            query: { limit: PAGE, ...(q ? { q } : {}), cursor: pageParam ?? '' },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const search = (e: FormEvent) => {
    e.preventDefault();
    setParams(typed.trim() ? { q: typed.trim() } : {});
  };
  const list = users.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Flex direction="column" gap="4">
      <Heading as="h2" size="4">
        Users
      </Heading>
      <Card>
        <form onSubmit={search} role="search" aria-label="Find a user">
          <Flex gap="3" wrap="wrap" align="end">
            <Field
              id="user-email"
              label="Email"
              hint="The address or its start: ada finds ada@… and adam@…; upper and lower case do not matter"
              errors={fieldErrors(users.error, 'q')}
            >
              <TextField.Root
                id="user-email"
                type="search"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
              />
            </Field>
            <Button type="submit">Find</Button>
            {q ? (
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
        q ? (
          <EmptyState title={`Nobody whose email starts with ${q}`}>
            Check the address, or ask the person to sign in once through the workspace's identity provider:
            users are created at their first sign-in or when the IdP pushes them by SCIM.
          </EmptyState>
        ) : (
          <EmptyState title="No users yet">
            Users appear when they first sign in through one of the workspace's identity providers, or when
            the IdP provisions them by SCIM (see SCIM tokens).
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
                      <Badge ml="2" color="blue" highContrast>
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
      {users.hasNextPage ? (
        <Flex gap="3" align="center">
          <Button
            variant="soft"
            loading={users.isFetchingNextPage}
            onClick={() => void users.fetchNextPage()}
          >
            More users
          </Button>
          <Text size="1" color="gray">
            {list.length} shown, by email
          </Text>
        </Flex>
      ) : null}
    </Flex>
  );
}
