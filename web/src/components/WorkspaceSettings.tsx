import { Button, Card, Checkbox, Flex, Heading, Text } from '@radix-ui/themes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import type { Tenant } from '../api/types';
import { ErrorCallout } from './ui';

type Toggle = 'keepLastOwner' | 'lockSyncedMemberships';
const TOGGLES: [Toggle, string, string][] = [
  [
    'keepLastOwner',
    "Keep a group's last owner",
    'Sync never removes or downgrades the only owner of a group, even when the IdP stops granting it (docs/sync.md section 20).',
  ],
  [
    'lockSyncedMemberships',
    'Lock groups that links manage',
    'Members of a linked group change only through sign-ins, SCIM and reconciles, not by hand (section 17).',
  ],
];

/** The workspace's sync settings that had an API but no form, each explained in one line. */
export function WorkspaceSettings({ tenant }: { tenant: string }) {
  const queryClient = useQueryClient();
  const workspace = useQuery({
    queryKey: ['tenant', tenant],
    queryFn: () => unwrap<Tenant>(api.GET('/api/v1/tenants/{tenant}', { params: { path: { tenant } } })),
  });
  const [edits, setEdits] = useState<Partial<Record<Toggle, boolean>>>({});
  const save = useMutation({
    mutationFn: () =>
      unwrap<Tenant>(
        api.PATCH('/api/v1/tenants/{tenant}', { params: { path: { tenant } }, body: { settings: edits } }),
      ),
    onSuccess: async () => {
      setEdits({});
      await queryClient.invalidateQueries({ queryKey: ['tenant', tenant] });
    },
  });
  const settings = workspace.data?.settings;
  if (!settings) return <ErrorCallout error={workspace.error} title="Could not load the settings" />;
  const value = (key: Toggle) => edits[key] ?? settings[key] ?? key === 'keepLastOwner';
  return (
    <Card>
      <Flex direction="column" gap="2" asChild>
        <section aria-labelledby="workspace-settings">
          <Heading as="h3" size="3" id="workspace-settings">
            Workspace settings
          </Heading>
          {TOGGLES.map(([key, label, hint]) => (
            <Flex key={key} direction="column">
              <Text as="label" size="2">
                <Flex gap="2" align="center">
                  <Checkbox
                    checked={value(key)}
                    onCheckedChange={(v) => setEdits({ ...edits, [key]: v === true })}
                  />
                  {label}
                </Flex>
              </Text>
              <Text size="1" color="gray">
                {hint}
              </Text>
            </Flex>
          ))}
          <ErrorCallout error={save.error} title="Not saved" />
          <Flex gap="2" align="center">
            <Button
              size="1"
              disabled={Object.keys(edits).length === 0}
              loading={save.isPending}
              onClick={() => save.mutate()}
            >
              Save workspace settings
            </Button>
            {save.isSuccess && Object.keys(edits).length === 0 ? (
              <Text size="1" color="green" role="status">
                Saved
              </Text>
            ) : null}
          </Flex>
        </section>
      </Flex>
    </Card>
  );
}
