import { Badge, Card, Flex, Heading, Link, Spinner, Text } from '@radix-ui/themes';
import { Link as RouterLink, useParams } from 'react-router';
import { IdpConnectionForm } from '../components/IdpConnectionForm';
import { IdpPolicyForm } from '../components/IdpPolicyForm';
import { SyncPauseControl } from '../components/SyncPauseControl';
import { EmptyState, ErrorCallout } from '../components/ui';
import { useIdentityProviders } from './IdentityProviders';

/** One IdP's settings: its connection (SAML or OIDC), its whole group-sync policy, pausing sync. */
export function IdentityProviderSettingsPage() {
  const { tenant = '', idp: slug = '' } = useParams();
  const idps = useIdentityProviders(tenant);
  const idp = idps.data?.find((i) => i.slug === slug);
  const back = (
    <Text size="2">
      <Link asChild>
        <RouterLink to=".." relative="path">
          ← All identity providers
        </RouterLink>
      </Link>
    </Text>
  );
  if (idps.isPending) return <Spinner size="3" aria-label="Loading" />;
  if (!idp)
    return (
      <Flex direction="column" gap="3">
        {back}
        <ErrorCallout error={idps.error} title="Could not load the identity providers" />
        {idps.data ? (
          <EmptyState title="No such identity provider">
            There is no identity provider with the slug {slug} in this workspace.
          </EmptyState>
        ) : null}
      </Flex>
    );
  return (
    <Flex direction="column" gap="4">
      {back}
      <Flex gap="2" align="center" wrap="wrap">
        <Heading as="h2" size="4">
          Settings of {idp.name ?? idp.slug}
        </Heading>
        <Badge highContrast>{idp.type.toUpperCase()}</Badge>
        <Text size="1" color="gray">
          slug <code>{idp.slug}</code>
        </Text>
      </Flex>
      <Card data-testid="idp-connection">
        <IdpConnectionForm idp={idp} tenant={tenant} />
      </Card>
      <Card data-testid="idp-policy">
        <IdpPolicyForm idp={idp} tenant={tenant} />
      </Card>
      <Card>
        <Flex direction="column" gap="2">
          <Heading as="h3" size="3">
            Pause sync
          </Heading>
          <Text size="1" color="gray">
            While paused, sign-ins and SCIM pushes of this IdP store what it says but change no membership;
            resuming first previews what waits.
          </Text>
          <SyncPauseControl tenant={tenant} idp={idp.slug} paused={idp.syncPaused} />
        </Flex>
      </Card>
    </Flex>
  );
}
