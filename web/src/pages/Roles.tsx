import { Badge, Button, Card, Flex, Heading, Table, Text, TextField } from '@radix-ui/themes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { BUILT_IN_ROLES, type RoleInfo } from '../api/types';
import { ErrorCallout, Field, fieldErrors } from '../components/ui';
import { DataTable } from '../components/DataTable';

/** The workspace's roles, lowest rank first (built-ins and custom ones). */
const useRoles = (tenant: string) =>
  useQuery({
    queryKey: ['roles', tenant],
    queryFn: () =>
      unwrap<RoleInfo[]>(api.GET('/api/v1/tenants/{tenant}/roles', { params: { path: { tenant } } })),
  });

/** Role names for a picker: the workspace's roles, or the built-ins while they load. */
export function useRoleNames(tenant: string): string[] {
  const roles = useRoles(tenant);
  return roles.data?.map((r) => r.name) ?? BUILT_IN_ROLES;
}

/** Custom roles: a name and a rank between the built-ins; links and members can then use them. */
export function RolesPage() {
  const { tenant = '' } = useParams();
  const queryClient = useQueryClient();
  const roles = useRoles(tenant);
  const [name, setName] = useState('');
  const [rank, setRank] = useState('25');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['roles', tenant] });

  const create = useMutation({
    mutationFn: () =>
      unwrap<RoleInfo>(
        api.POST('/api/v1/tenants/{tenant}/roles', {
          params: { path: { tenant } },
          body: { name: name.trim(), rank: Number(rank) },
        }),
      ),
    onSuccess: async () => {
      setName('');
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (role: string) =>
      unwrap(api.DELETE('/api/v1/tenants/{tenant}/roles/{role}', { params: { path: { tenant, role } } })),
    onSuccess: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <Flex direction="column" gap="4">
      <Heading as="h2" size="4">
        Roles
      </Heading>
      <Text as="p" size="2" color="gray">
        Links and members use these roles. When several links give a person a role in the same group, the
        highest rank wins. The built-in roles cannot be changed; owner stays the top role and a group never
        loses its last owner.
      </Text>
      <ErrorCallout error={roles.error} title="Could not load the roles" />
      <DataTable label="Roles" columns={['Name', 'Rank', { title: 'Description', narrow: true }]} actions>
        {(roles.data ?? []).map((r) => (
          <Table.Row key={r.name} data-testid="role-row">
            <Table.RowHeaderCell>
              {r.name} {r.builtIn ? <Badge color="gray">built in</Badge> : null}
            </Table.RowHeaderCell>
            <Table.Cell>{r.rank}</Table.Cell>
            <Table.Cell className="hide-narrow">{r.description ?? ''}</Table.Cell>
            <Table.Cell>
              {r.builtIn ? null : (
                <Button
                  size="1"
                  variant="soft"
                  color="red"
                  highContrast
                  aria-label={`Delete role ${r.name}`}
                  loading={remove.isPending && remove.variables === r.name}
                  onClick={() => remove.mutate(r.name)}
                >
                  Delete
                </Button>
              )}
            </Table.Cell>
          </Table.Row>
        ))}
      </DataTable>
      <ErrorCallout error={remove.error} title="Not deleted" />

      <Card>
        <form onSubmit={submit} aria-label="Add a role">
          <Flex gap="3" align="end" wrap="wrap">
            <Field
              id="role-name"
              label="Name"
              hint="lower-case letters, digits and dashes, up to 16"
              errors={fieldErrors(create.error, 'name')}
            >
              <TextField.Root
                id="role-name"
                required
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
            </Field>
            <Field
              id="role-rank"
              label="Rank"
              hint="1-49; guest 10, reporter 20, developer 30, maintainer 40, owner 50"
              errors={fieldErrors(create.error, 'rank')}
            >
              <TextField.Root
                id="role-rank"
                type="number"
                min={1}
                max={49}
                required
                value={rank}
                onChange={(e) => setRank(e.target.value)}
              />
            </Field>
            <Button type="submit" loading={create.isPending}>
              Add role
            </Button>
          </Flex>
          <ErrorCallout error={create.error} title="Not added" />
        </form>
      </Card>
    </Flex>
  );
}
