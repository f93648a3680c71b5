import { Badge, Button, Callout, Card, Flex, Heading, Table, Text, TextField } from '@radix-ui/themes';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, unwrap } from '../api/client';
import type { GroupLink, Member, Page, Role, UserDetail } from '../api/types';
import { useRoleNames } from './Roles';
import { EmptyState, ErrorCallout, Field, fieldErrors } from '../components/ui';
import { DataTable } from '../components/DataTable';
import { memberWhyText } from '../lib/users';
import { useGroups } from './Groups';

const SOURCE_COLORS = { manual: 'gray', sync: 'blue', scim: 'purple' } as const;
const PAGE = 100;

/** A group's members (100 at a time, by email), where each role comes from, and adding or removing by hand. */
export function Members({ tenant, groupId }: { tenant: string; groupId: string }) {
  const queryClient = useQueryClient();
  const groups = useGroups(tenant);
  const roleNames = useRoleNames(tenant);
  const path = { tenant, groupId };
  const members = useInfiniteQuery({
    queryKey: ['members', tenant, groupId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap<Page<Member>>(
        api.GET('/api/v1/tenants/{tenant}/groups/{groupId}/members', {
          params: { path, query: { limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  // One link is enough to know that sync manages the group.
  const links = useQuery({
    queryKey: ['links-exist', tenant, groupId],
    queryFn: () =>
      unwrap<Page<GroupLink>>(
        api.GET('/api/v1/tenants/{tenant}/groups/{groupId}/links', { params: { path, query: { limit: 1 } } }),
      ),
  });
  const list = members.data?.pages.flatMap((p) => p.items) ?? [];
  const nameOf = (id: string) => groups.data?.find((g) => g.id === id)?.name ?? 'a parent group';
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['members', tenant] });

  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('developer');
  const add = useMutation({
    mutationFn: async () => {
      const found = await unwrap<UserDetail[]>(
        api.GET('/api/v1/tenants/{tenant}/users', { params: { path: { tenant }, query: { email } } }),
      );
      if (found.length === 0)
        throw new ApiError(
          404,
          'user_not_found',
          `Nobody with the email ${email.trim()} in this workspace (users come from sign-in, SCIM or the API)`,
        );
      return unwrap(
        api.PUT('/api/v1/tenants/{tenant}/groups/{groupId}/members/{userId}', {
          params: { path: { ...path, userId: found[0].id } },
          body: { role },
        }),
      );
    },
    onSuccess: async () => {
      setEmail('');
      await refresh();
    },
  });
  const [removing, setRemoving] = useState<Member | null>(null);
  const remove = useMutation({
    mutationFn: (m: Member) =>
      unwrap(
        api.DELETE('/api/v1/tenants/{tenant}/groups/{groupId}/members/{userId}', {
          params: { path: { ...path, userId: m.userId } },
        }),
      ),
    onSuccess: async () => {
      setRemoving(null);
      await refresh();
    },
  });
  const managed = (links.data?.items.length ?? 0) > 0;
  return (
    <Flex direction="column" gap="3" mt="3">
      <ErrorCallout error={members.error} title="Could not load the members" />
      {managed ? (
        <Callout.Root color="amber" highContrast size="1" data-testid="sync-warning">
          <Callout.Text>
            Group links manage this group. A member added or changed here becomes a manual member; at their
            next sign-in, the IdP's removal policy decides whether sync leaves them (synced-only, never),
            downgrades them (default-role) or removes them (enforce) when no link gives them a role.
          </Callout.Text>
        </Callout.Root>
      ) : null}
      {members.isSuccess && list.length === 0 ? (
        <EmptyState title="Nobody is in this group yet">
          Add a group link (next tab): people in that IdP group join at their next sign-in, or at once through
          a SCIM push. Or add someone by hand below.
        </EmptyState>
      ) : null}
      {list.length > 0 ? (
        <DataTable
          label="Members"
          columns={['Person', 'Role', 'Source', { title: 'Why', narrow: true }]}
          actions
        >
          {list.map((m) => (
            <Table.Row key={m.userId} data-testid="member-row">
              <Table.RowHeaderCell>
                {m.email}
                {m.displayName ? (
                  <Text size="1" color="gray">
                    {' '}
                    ({m.displayName})
                  </Text>
                ) : null}
              </Table.RowHeaderCell>
              <Table.Cell>{m.role}</Table.Cell>
              <Table.Cell>
                <Badge highContrast color={SOURCE_COLORS[m.source]}>
                  {m.inherited ? `${m.source}, inherited` : m.source}
                </Badge>
              </Table.Cell>
              <Table.Cell className="hide-narrow">
                <Text size="1">{memberWhyText(m, nameOf(m.fromGroupId))}</Text>
                {m.syncNote ? (
                  <Text as="div" size="1" color="amber" data-testid="sync-note">
                    {m.syncNote}
                  </Text>
                ) : null}
              </Table.Cell>
              <Table.Cell>
                {m.directRole ? (
                  <Button
                    size="1"
                    variant="soft"
                    color="red"
                    highContrast
                    onClick={() => setRemoving(m)}
                    aria-label={`Remove ${m.email}`}
                  >
                    Remove…
                  </Button>
                ) : null}
              </Table.Cell>
            </Table.Row>
          ))}
        </DataTable>
      ) : null}
      {members.hasNextPage ? (
        <Flex gap="3" align="center">
          <Button
            variant="soft"
            loading={members.isFetchingNextPage}
            onClick={() => void members.fetchNextPage()}
          >
            More members
          </Button>
          <Text size="1" color="gray">
            {list.length} shown
          </Text>
        </Flex>
      ) : null}
      {removing ? (
        <Card data-testid="remove-member">
          <Flex direction="column" gap="2">
            <Text size="2" weight="medium">
              Remove {removing.email} ({removing.directRole}) from this group?
              {removing.source !== 'manual'
                ? ' Sync may add them again at their next sign-in while a link matches.'
                : ''}
            </Text>
            <ErrorCallout error={remove.error} title="Not removed" />
            <Flex gap="2">
              <Button color="red" loading={remove.isPending} onClick={() => remove.mutate(removing)}>
                Remove
              </Button>
              <Button
                variant="soft"
                onClick={() => {
                  setRemoving(null);
                  remove.reset();
                }}
              >
                Cancel
              </Button>
            </Flex>
          </Flex>
        </Card>
      ) : null}
      <Card>
        <form
          aria-labelledby="add-member"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <Flex direction="column" gap="3">
            <Heading as="h3" size="3" id="add-member">
              Add a member or change a role
            </Heading>
            <Flex gap="3" wrap="wrap" align="end">
              <Field
                id="member-email"
                label="Email"
                hint="Someone already in the workspace"
                errors={fieldErrors(add.error, 'email')}
              >
                <TextField.Root
                  id="member-email"
                  type="email"
                  required
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                />
              </Field>
              <Field id="member-role" label="Role">
                <select
                  id="member-role"
                  className="native-select"
                  value={role}
                  onChange={(e) => setRole(e.target.value as Role)}
                >
                  {roleNames.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </Field>
              <Button type="submit" loading={add.isPending}>
                Save member
              </Button>
            </Flex>
            <ErrorCallout error={add.error} title="Not saved" />
            {add.isSuccess ? (
              <Text size="2" role="status">
                Saved.
              </Text>
            ) : null}
          </Flex>
        </form>
      </Card>
    </Flex>
  );
}
