import { Button, Callout, Card, Flex, Heading, Link, Table, Text, TextField } from '@radix-ui/themes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link as RouterLink, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { NewScimToken, ScimToken } from '../api/types';
import { CopyField, EmptyState, ErrorCallout, Field, fieldErrors } from '../components/ui';
import { DataTable } from '../components/DataTable';
import { useIdentityProviders } from './IdentityProviders';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

/** SCIM tokens of the workspace: one per IdP provisioning connection, shown once, revocable. */
export function ScimTokensPage() {
  const { tenant = '' } = useParams();
  const queryClient = useQueryClient();
  const idps = useIdentityProviders(tenant);
  const tokens = useQuery({
    queryKey: ['scim-tokens', tenant],
    queryFn: () =>
      unwrap<ScimToken[]>(api.GET('/api/v1/tenants/{tenant}/scim-tokens', { params: { path: { tenant } } })),
  });
  const [idp, setIdp] = useState('');
  const [name, setName] = useState('');
  const [revoking, setRevoking] = useState<string | null>(null);
  const created = useRef<HTMLDivElement>(null);

  const create = useMutation({
    mutationFn: () =>
      unwrap<NewScimToken>(
        api.POST('/api/v1/tenants/{tenant}/scim-tokens', {
          params: { path: { tenant } },
          body: { idp: idp || idps.data?.[0]?.slug || '', name },
        }),
      ),
    onSuccess: async () => {
      setName('');
      await queryClient.invalidateQueries({ queryKey: ['scim-tokens', tenant] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.DELETE('/api/v1/tenants/{tenant}/scim-tokens/{tokenId}', {
          params: { path: { tenant, tokenId: id } },
        }),
      ),
    onSuccess: async () => {
      setRevoking(null);
      await queryClient.invalidateQueries({ queryKey: ['scim-tokens', tenant] });
    },
  });
  // The new token appears above the list: move the keyboard there so it is read out and copyable.
  useEffect(() => {
    if (create.data) created.current?.focus();
  }, [create.data]);

  const active = (tokens.data ?? []).filter((t) => !t.revokedAt);
  const revokedCount = (tokens.data?.length ?? 0) - active.length;
  const noIdp = idps.isSuccess && idps.data.length === 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <Flex direction="column" gap="4">
      <Heading as="h2" size="4">
        SCIM tokens
      </Heading>
      <Text as="p" size="2" color="gray">
        With SCIM, Entra ID or Okta push users and group memberships between sign-ins, and a deactivated user
        is blocked at once. Each token belongs to one identity provider's provisioning connection.
      </Text>
      <ErrorCallout error={tokens.error} title="Could not load the SCIM tokens" />
      <ErrorCallout error={idps.error} title="Could not load the identity providers" />

      {create.data ? (
        <Card>
          <div ref={created} tabIndex={-1} data-testid="new-scim-token" aria-labelledby="new-token-title">
            <Flex direction="column" gap="3">
              <Heading as="h3" size="3" id="new-token-title">
                Token "{create.data.name}" created for {create.data.idp}
              </Heading>
              <Callout.Root color="amber" size="1">
                <Callout.Text>
                  Copy the token now: it is shown only this once (it is stored as a hash). If it is lost,
                  create a new one and revoke this one.
                </Callout.Text>
              </Callout.Root>
              <CopyField
                label="Tenant URL"
                hint="Entra ID: Provisioning → Admin Credentials → Tenant URL · Okta: SCIM connector base URL"
                value={create.data.scimBaseUrl}
              />
              <CopyField
                label="Secret Token"
                hint="Entra ID: Secret Token · Okta: API token (authentication mode HTTP Header)"
                value={create.data.token}
              />
              <Flex>
                <Button variant="soft" onClick={() => create.reset()}>
                  Done, I have copied it
                </Button>
              </Flex>
            </Flex>
          </div>
        </Card>
      ) : null}

      {noIdp ? (
        <EmptyState title="Connect an identity provider first">
          A SCIM token belongs to one identity provider.{' '}
          <Link asChild>
            <RouterLink to={`/t/${tenant}/identity-providers`}>Add an identity provider</RouterLink>
          </Link>
          , then come back to create its token.
        </EmptyState>
      ) : tokens.isSuccess && active.length === 0 ? (
        <EmptyState title="No SCIM tokens yet">
          Create a token below for the identity provider that will provision users, then paste the Tenant URL
          and the token into Entra ID (Provisioning → Admin Credentials) or Okta (Provisioning → Integration).
        </EmptyState>
      ) : null}

      {active.length > 0 ? (
        <Flex direction="column" gap="2">
          <Text size="2">
            SCIM base URL: <span className="mono">{active[0].scimBaseUrl}</span>
          </Text>
          <DataTable
            label="SCIM tokens"
            columns={['Name', 'IdP', { title: 'Created', narrow: true }, 'Last used']}
            actions
          >
            {active.map((t) => (
              <Table.Row key={t.id} data-testid="scim-token-row">
                <Table.RowHeaderCell>
                  {t.name} <span className="mono">{t.tokenPrefix}…</span>
                </Table.RowHeaderCell>
                <Table.Cell>{t.idp}</Table.Cell>
                <Table.Cell className="hide-narrow">
                  <time dateTime={t.createdAt}>{when(t.createdAt)}</time>
                </Table.Cell>
                <Table.Cell>
                  {t.lastUsedAt ? <time dateTime={t.lastUsedAt}>{when(t.lastUsedAt)}</time> : 'never'}
                </Table.Cell>
                <Table.Cell>
                  {revoking === t.id ? null : (
                    <Button
                      size="1"
                      variant="soft"
                      color="red"
                      aria-label={`Revoke ${t.name}`}
                      onClick={() => {
                        revoke.reset();
                        setRevoking(t.id);
                      }}
                    >
                      Revoke…
                    </Button>
                  )}
                </Table.Cell>
              </Table.Row>
            ))}
          </DataTable>
          {revokedCount > 0 ? (
            <Text size="1" color="gray">
              {revokedCount} revoked {revokedCount === 1 ? 'token is' : 'tokens are'} not shown.
            </Text>
          ) : null}
        </Flex>
      ) : null}

      {revoking ? (
        <Card data-testid="revoke-confirm">
          <Flex direction="column" gap="3">
            <Text size="2" weight="medium">
              Revoke "{active.find((t) => t.id === revoking)?.name}"? Provisioning with this token stops at
              once: the IdP's next push is refused until you give it a new token.
            </Text>
            <Flex gap="3">
              <Button
                color="red"
                loading={revoke.isPending}
                onClick={() => revoke.mutate(revoking)}
                autoFocus
              >
                Revoke token
              </Button>
              <Button variant="soft" onClick={() => setRevoking(null)}>
                Cancel
              </Button>
            </Flex>
            <ErrorCallout error={revoke.error} title="Not revoked" />
          </Flex>
        </Card>
      ) : null}

      {noIdp ? null : (
        <Card>
          <form onSubmit={submit} aria-labelledby="new-scim-token-title">
            <Flex direction="column" gap="3">
              <Heading as="h3" size="3" id="new-scim-token-title">
                Create a SCIM token
              </Heading>
              <Flex gap="3" wrap="wrap">
                <Field id="scim-idp" label="Identity provider" errors={fieldErrors(create.error, 'idp')}>
                  <select
                    id="scim-idp"
                    className="native-select"
                    value={idp || idps.data?.[0]?.slug || ''}
                    onChange={(e) => setIdp(e.target.value)}
                  >
                    {(idps.data ?? []).map((i) => (
                      <option key={i.id} value={i.slug}>
                        {i.name ? `${i.name} (${i.slug})` : i.slug}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field
                  id="scim-name"
                  label="Token name"
                  hint='e.g. "Entra provisioning"'
                  errors={fieldErrors(create.error, 'name')}
                >
                  <TextField.Root
                    id="scim-name"
                    value={name}
                    onChange={(e) => setName(e.target.value)}
                    required
                  />
                </Field>
              </Flex>
              {create.error &&
              fieldErrors(create.error, 'name').length === 0 &&
              fieldErrors(create.error, 'idp').length === 0 ? (
                <ErrorCallout error={create.error} title="Not created" />
              ) : null}
              <Flex>
                <Button type="submit" loading={create.isPending}>
                  Create token
                </Button>
              </Flex>
            </Flex>
          </form>
        </Card>
      )}
    </Flex>
  );
}
