import { Badge, Callout, Card, Flex, Heading, Link, Table, Text } from '@radix-ui/themes';
import { useQuery } from '@tanstack/react-query';
import { Link as RouterLink, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { Overview } from '../api/types';
import { EmptyState, ErrorCallout } from '../components/ui';
import { WorkspaceSettings } from '../components/WorkspaceSettings';
import { idpAlerts } from '../lib/idp-settings';
import { useIdentityProviders } from './IdentityProviders';

const ago = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : 'never');

/** The workspace at a glance: per IdP the last sign-in, refusal and SCIM request; the last 24 hours of sync. */
export function OverviewPage() {
  const { tenant = '' } = useParams();
  const overview = useQuery({
    queryKey: ['overview', tenant],
    queryFn: () =>
      unwrap<Overview>(api.GET('/api/v1/tenants/{tenant}/overview', { params: { path: { tenant } } })),
    refetchInterval: 60_000,
  });
  const o = overview.data;
  const alerts = idpAlerts(useIdentityProviders(tenant).data ?? []);
  const stats: [string, number | undefined, string][] = [
    ['Sign-ins', o?.last24h.signIns, 'sync.applied'],
    ['Refused sign-ins', o?.last24h.refusals, 'sso.sign_in_refused'],
    ['Memberships added', o?.last24h.membershipsAdded, 'membership.added'],
    ['Roles changed', o?.last24h.roleChanges, 'membership.role_changed'],
    ['Memberships removed', o?.last24h.membershipsRemoved, 'membership.removed'],
    ['Admin changes', o?.last24h.adminChanges, 'user.admin_*'],
  ];
  return (
    <Flex direction="column" gap="4">
      <Heading as="h2" size="4">
        Overview
      </Heading>
      <ErrorCallout error={overview.error} title="Could not load the overview" />
      {o && o.removalSafety.stagedRemovals > 0 ? (
        <Callout.Root color="amber" role="alert" data-testid="breaker-open">
          <Callout.Text>
            The removal circuit breaker tripped
            {o.removalSafety.trippedAt ? ` at ${ago(o.removalSafety.trippedAt)}` : ''}:{' '}
            {o.removalSafety.stagedRemovals} removals wait for you.{' '}
            <Link asChild>
              <RouterLink to={`/t/${tenant}/staged-removals`}>Review staged removals</RouterLink>
            </Link>
          </Callout.Text>
        </Callout.Root>
      ) : null}
      {alerts.map((a) => (
        <Callout.Root key={a.message} color="amber" highContrast role="alert" data-testid="idp-alert">
          <Callout.Text>
            {a.message}{' '}
            <Link asChild color="amber" highContrast underline="always">
              <RouterLink to={`/t/${tenant}/identity-providers`}>Review it</RouterLink>
            </Link>
          </Callout.Text>
        </Callout.Root>
      ))}
      {o ? (
        <>
          <Heading as="h3" size="3">
            Last 24 hours
          </Heading>
          <div className="stats" data-testid="last-24h">
            {stats.map(([label, n, action]) => (
              <Card key={label}>
                <Text as="p" size="6" weight="bold">
                  {n}
                </Text>
                <Link asChild size="2">
                  <RouterLink to={`/t/${tenant}/audit?action=${encodeURIComponent(action)}`}>
                    {label}
                  </RouterLink>
                </Link>
              </Card>
            ))}
          </div>
          <Heading as="h3" size="3">
            Identity providers
          </Heading>
          {o.identityProviders.length === 0 ? (
            <EmptyState title="No identity provider yet">
              Connect your IdP (Entra ID, Okta, any SAML or OIDC provider) on the{' '}
              <Link asChild>
                <RouterLink to={`/t/${tenant}/identity-providers`}>Identity providers</RouterLink>
              </Link>{' '}
              page; sign-ins and SCIM requests show here.
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <Table.Root variant="surface" aria-label="Identity providers at a glance">
                <Table.Header>
                  <Table.Row>
                    <Table.ColumnHeaderCell>Identity provider</Table.ColumnHeaderCell>
                    <Table.ColumnHeaderCell>Last sign-in</Table.ColumnHeaderCell>
                    <Table.ColumnHeaderCell>Last refused</Table.ColumnHeaderCell>
                    <Table.ColumnHeaderCell className="hide-narrow">Last SCIM request</Table.ColumnHeaderCell>
                  </Table.Row>
                </Table.Header>
                <Table.Body>
                  {o.identityProviders.map((i) => (
                    <Table.Row key={i.slug} data-testid="overview-idp">
                      <Table.RowHeaderCell>
                        {i.name || i.slug} <Badge>{i.type.toUpperCase()}</Badge>
                        {i.enabled ? null : (
                          <Badge ml="1" color="red">
                            disabled
                          </Badge>
                        )}
                      </Table.RowHeaderCell>
                      <Table.Cell>{ago(i.lastSignIn?.at)}</Table.Cell>
                      <Table.Cell>
                        {i.lastRefusal ? (
                          <>
                            {ago(i.lastRefusal.at)}
                            <Text as="p" size="1" color="gray">
                              {i.lastRefusal.reason}{' '}
                              <Link asChild>
                                <RouterLink
                                  to={`/t/${tenant}/audit?correlationId=${encodeURIComponent(i.lastRefusal.correlationId)}`}
                                >
                                  (events)
                                </RouterLink>
                              </Link>
                            </Text>
                          </>
                        ) : (
                          'never'
                        )}
                      </Table.Cell>
                      <Table.Cell className="hide-narrow">{ago(i.lastScimRequestAt)}</Table.Cell>
                    </Table.Row>
                  ))}
                </Table.Body>
              </Table.Root>
            </div>
          )}
          <WorkspaceSettings tenant={tenant} />
        </>
      ) : null}
    </Flex>
  );
}
