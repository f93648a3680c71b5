import { Badge, Button, Flex, Text } from '@radix-ui/themes';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { IdentityProvider } from '../api/types';
import { certificateLine } from '../lib/idp-settings';
import { ErrorCallout } from './ui';

interface RefreshResult {
  changed: boolean;
  error: string | null;
  changes: string[];
}

/**
 * A SAML IdP's signing certificates with their expiry (warned 30 days ahead), and its metadata URL:
 * when it was last read, the last failure, and "Refresh now".
 */
export function IdpHealth({ idp, tenant }: { idp: IdentityProvider; tenant: string }) {
  const queryClient = useQueryClient();
  const refresh = useMutation({
    mutationFn: () =>
      unwrap<RefreshResult>(
        api.POST('/api/v1/tenants/{tenant}/identity-providers/{idp}/metadata-refresh', {
          params: { path: { tenant, idp: idp.slug } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['idps', tenant] }),
  });
  if (idp.type !== 'saml') return null;
  const certificates = idp.signingCertificates ?? [];
  const status = idp.metadataRefresh;
  return (
    <Flex direction="column" gap="1" data-testid={`idp-health-${idp.slug}`}>
      <Text size="2" weight="bold">
        Signing certificates
      </Text>
      {certificates.map((c) => (
        <Flex key={c.sha256} gap="2" align="center" wrap="wrap" data-testid="certificate">
          <Text size="2">{c.subject ?? 'certificate'}</Text>
          <Text size="1" color={c.daysLeft < 0 ? 'red' : c.daysLeft < 30 ? 'amber' : 'gray'}>
            {certificateLine(c)}
          </Text>
        </Flex>
      ))}
      {idp.certificateWarning ? (
        <Flex gap="2" align="center" role="alert">
          <Badge color={idp.certificateWarning === 'expired' ? 'red' : 'amber'}>
            {idp.certificateWarning === 'expired' ? 'certificates expired' : 'certificate expires soon'}
          </Badge>
          <Text size="1">
            {idp.idpMetadataUrl
              ? 'The metadata URL is read again on a schedule: a new certificate the IdP publishes is taken up by itself.'
              : "Paste the IdP's new metadata (or give its metadata URL) before then, or sign-ins will be refused."}
          </Text>
        </Flex>
      ) : null}
      {idp.idpMetadataUrl ? (
        <Flex direction="column" gap="1">
          <Text size="1" color="gray">
            Metadata read from <code>{idp.idpMetadataUrl}</code>
            {status ? `, last checked ${new Date(status.checkedAt).toLocaleString()}` : ' when saved'}
            {status?.changedAt ? `, last changed ${new Date(status.changedAt).toLocaleString()}` : ''}
          </Text>
          {status?.error ? (
            <Text size="1" color="red" role="alert">
              The last read failed: {status.error}. The settings from the last good read stay in use.
            </Text>
          ) : null}
          <Flex gap="2" align="center">
            <Button size="1" variant="soft" loading={refresh.isPending} onClick={() => refresh.mutate()}>
              Refresh metadata now
            </Button>
            {refresh.data && !refresh.data.error ? (
              <Text size="1" data-testid="refresh-result">
                {refresh.data.changed ? `Updated: ${refresh.data.changes.join(', ')}` : 'No change'}
              </Text>
            ) : null}
          </Flex>
          <ErrorCallout error={refresh.error} title="Could not refresh the metadata" />
        </Flex>
      ) : null}
    </Flex>
  );
}
