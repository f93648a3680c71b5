import { Button, Card, Flex, Heading, Link, Table, Text, TextField } from '@radix-ui/themes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link as RouterLink, useNavigate } from 'react-router';
import { api, setCsrfToken, unwrap } from '../api/client';
import type { Tenant } from '../api/types';
import { useOperatorSession } from '../auth';
import { EmptyState, ErrorCallout, Field, fieldErrors } from '../components/ui';
import { DataTable } from '../components/DataTable';

/** The operator's workspace picker, with "create a workspace". */
export function WorkspacesPage() {
  const session = useOperatorSession();
  setCsrfToken(session.data?.csrfToken ?? null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const tenants = useQuery({
    queryKey: ['tenants'],
    queryFn: () => unwrap<Tenant[]>(api.GET('/api/v1/tenants')),
  });
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => unwrap<Tenant>(api.POST('/api/v1/tenants', { body: { slug, name } })),
    onSuccess: async (tenant) => {
      await queryClient.invalidateQueries({ queryKey: ['tenants'] });
      navigate(`/t/${tenant.slug}/identity-providers`);
    },
  });
  const signOut = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/operator-session')),
    onSettled: () => {
      setCsrfToken(null);
      queryClient.clear();
      navigate('/signin');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <main className="shell">
      <header className="topbar">
        <Heading as="h1" size="5">
          Workspaces
        </Heading>
        <Button variant="soft" onClick={() => signOut.mutate()}>
          Sign out
        </Button>
      </header>
      <Flex direction="column" gap="4">
        <ErrorCallout error={tenants.error} title="Could not load the workspaces" />
        {tenants.data && tenants.data.length === 0 ? (
          <EmptyState title="No workspaces yet">
            Create the first one below. Its short name (slug) appears in every sign-in address, so pick
            something like your company's name.
          </EmptyState>
        ) : null}
        {tenants.data && tenants.data.length > 0 ? (
          <DataTable label="Workspaces" columns={['Workspace', 'Slug', { title: 'Created', narrow: true }]}>
            {tenants.data.map((t) => (
              <Table.Row key={t.id}>
                <Table.RowHeaderCell>
                  <Link asChild>
                    <RouterLink to={`/t/${t.slug}/identity-providers`}>{t.name}</RouterLink>
                  </Link>
                </Table.RowHeaderCell>
                <Table.Cell>
                  <code>{t.slug}</code>
                </Table.Cell>
                <Table.Cell className="hide-narrow">{new Date(t.createdAt).toLocaleDateString()}</Table.Cell>
              </Table.Row>
            ))}
          </DataTable>
        ) : null}
        <Card>
          <form onSubmit={submit} aria-labelledby="new-ws">
            <Flex direction="column" gap="3">
              <Heading as="h2" size="3" id="new-ws">
                Create a workspace
              </Heading>
              <Flex gap="3" wrap="wrap">
                <Field id="ws-name" label="Name" errors={fieldErrors(create.error, 'name')}>
                  <TextField.Root
                    id="ws-name"
                    value={name}
                    onChange={(e) => setName(e.target.value)}
                    placeholder="Acme Corp"
                  />
                </Field>
                <Field
                  id="ws-new-slug"
                  label="Slug"
                  hint="Lowercase letters, digits and dashes"
                  errors={fieldErrors(create.error, 'slug')}
                >
                  <TextField.Root
                    id="ws-new-slug"
                    value={slug}
                    onChange={(e) => setSlug(e.target.value)}
                    placeholder="acme"
                  />
                </Field>
              </Flex>
              {create.error &&
              fieldErrors(create.error, 'slug').length + fieldErrors(create.error, 'name').length === 0 ? (
                <ErrorCallout error={create.error} />
              ) : null}
              <Flex>
                <Button type="submit" loading={create.isPending}>
                  Create workspace
                </Button>
              </Flex>
            </Flex>
          </form>
        </Card>
        <Text size="1" color="gray">
          Signed in as the platform operator.
        </Text>
      </Flex>
    </main>
  );
}
