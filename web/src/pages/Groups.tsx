import { Button, Card, Flex, Heading, Link, Table, TextField } from '@radix-ui/themes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link as RouterLink, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { Group, Page } from '../api/types';
import { EmptyState, ErrorCallout, Field, fieldErrors } from '../components/ui';
import { DataTable } from '../components/DataTable';
import { groupTree } from '../lib/tree';

/** Every group (the tree needs them all), read page by page: 500 a request, by name. */
export const useGroups = (tenant: string) =>
  useQuery({
    queryKey: ['groups', tenant],
    queryFn: async () => {
      const all: Group[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap<Page<Group>>(
          api.GET('/api/v1/tenants/{tenant}/groups', {
            params: { path: { tenant }, query: { limit: 500, ...(cursor ? { cursor } : {}) } },
          }),
        );
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },
  });

/** The workspace's groups as a tree, and creating one (optionally inside another). */
export function GroupsPage() {
  const { tenant = '' } = useParams();
  const groups = useGroups(tenant);
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState('');
  const create = useMutation({
    mutationFn: () =>
      unwrap<Group>(
        api.POST('/api/v1/tenants/{tenant}/groups', {
          params: { path: { tenant } },
          body: { name, ...(parentId ? { parentId } : {}) },
        }),
      ),
    onSuccess: async () => {
      setName('');
      await queryClient.invalidateQueries({ queryKey: ['groups', tenant] });
    },
  });
  const tree = groupTree(groups.data ?? []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Flex direction="column" gap="4">
      <Heading as="h2" size="4">
        Groups
      </Heading>
      <ErrorCallout error={groups.error} title="Could not load the groups" />
      {groups.data && groups.data.length === 0 ? (
        <EmptyState title="No groups yet">
          Create a group below, then open it and link it to the IdP groups whose members should get a role in
          it. Groups are never created from sign-in claims.
        </EmptyState>
      ) : null}
      {tree.length > 0 ? (
        <DataTable label="Groups" columns={['Group', { title: 'Description', narrow: true }]}>
          {tree.map(({ group, depth }) => (
            <Table.Row key={group.id}>
              <Table.RowHeaderCell className={depth ? `tree-indent-${Math.min(depth, 4)}` : undefined}>
                {depth ? <span aria-hidden="true">└ </span> : null}
                <Link asChild>
                  <RouterLink to={group.id}>{group.name}</RouterLink>
                </Link>
              </Table.RowHeaderCell>
              <Table.Cell className="hide-narrow">{group.description ?? ''}</Table.Cell>
            </Table.Row>
          ))}
        </DataTable>
      ) : null}
      <Card>
        <form onSubmit={submit} aria-labelledby="new-group">
          <Flex direction="column" gap="3">
            <Heading as="h3" size="3" id="new-group">
              Create a group
            </Heading>
            <Flex gap="3" wrap="wrap">
              <Field id="group-name" label="Name" errors={fieldErrors(create.error, 'name')}>
                <TextField.Root
                  id="group-name"
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                  required
                />
              </Field>
              <Field
                id="group-parent"
                label="Inside (optional)"
                hint="A subgroup inherits its parent's roles"
              >
                <select
                  id="group-parent"
                  className="native-select"
                  value={parentId}
                  onChange={(e) => setParentId(e.target.value)}
                >
                  <option value="">(top level)</option>
                  {tree.map(({ group, depth }) => (
                    <option key={group.id} value={group.id}>
                      {'  '.repeat(depth)}
                      {group.name}
                    </option>
                  ))}
                </select>
              </Field>
            </Flex>
            {create.error && fieldErrors(create.error, 'name').length === 0 ? (
              <ErrorCallout error={create.error} title="Not created" />
            ) : null}
            <Flex>
              <Button type="submit" loading={create.isPending}>
                Create group
              </Button>
            </Flex>
          </Flex>
        </form>
      </Card>
    </Flex>
  );
}
