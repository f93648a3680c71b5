import { Button, Callout, Checkbox, Flex, Heading, Table, Text } from '@radix-ui/themes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { StagedRemovalPage, StagedRemovalsApproved, Tenant } from '../api/types';
import { SyncPauseControl } from '../components/SyncPauseControl';
import { EmptyState, ErrorCallout } from '../components/ui';
import { DataTable } from '../components/DataTable';

/**
 * Removals the circuit breaker held back (docs/sync.md, "Removal safety"): approve applies them after
 * a fresh check, discard keeps everyone. The first 500 are listed; acting on "all" covers every one.
 */
export function StagedRemovalsPage() {
  const { tenant = '' } = useParams();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const list = useQuery({
    queryKey: ['staged-removals', tenant],
    queryFn: () =>
      unwrap<StagedRemovalPage>(
        api.GET('/api/v1/tenants/{tenant}/staged-removals', {
          params: { path: { tenant }, query: { limit: 500 } },
        }),
      ),
  });
  const act = useMutation({
    mutationFn: ({ action, ids }: { action: 'approve' | 'discard'; ids?: string[] }) => {
      const path =
        action === 'approve'
          ? ('/api/v1/tenants/{tenant}/staged-removals/approve' as const)
          : ('/api/v1/tenants/{tenant}/staged-removals/discard' as const);
      return unwrap<StagedRemovalsApproved | { discarded: number }>(
        api.POST(path, { params: { path: { tenant } }, body: ids ? { ids } : {} }),
      );
    },
    onSuccess: async () => {
      setSelected(new Set());
      await queryClient.invalidateQueries({ queryKey: ['staged-removals', tenant] });
      await queryClient.invalidateQueries({ queryKey: ['overview', tenant] });
    },
  });
  // The workspace-wide pause lives here too: pausing is what an admin does while fixing a mapping.
  const workspace = useQuery({
    queryKey: ['tenant', tenant],
    queryFn: () => unwrap<Tenant>(api.GET('/api/v1/tenants/{tenant}', { params: { path: { tenant } } })),
  });
  const rows = list.data?.items ?? [];
  const ids = selected.size > 0 ? [...selected] : undefined;
  const scope = ids ? `${ids.length} selected` : 'all';
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const result = act.data;

  return (
    <Flex direction="column" gap="4">
      <Heading as="h2" size="4">
        Staged removals
      </Heading>
      <Text as="p" size="2" color="gray">
        Sync would have removed more people than the workspace&apos;s removal limit allows, so these removals
        wait for you. Approve applies them (each is checked again first); discard keeps everyone. Fix the
        mapping first, or the next sign-ins plan the same removals again.
      </Text>
      {workspace.data ? (
        <SyncPauseControl tenant={tenant} paused={workspace.data.settings.syncPaused} />
      ) : null}
      <ErrorCallout error={list.error} title="Could not load the staged removals" />
      <ErrorCallout error={act.error} title="Could not act on the staged removals" />
      {result ? (
        <Callout.Root color="green" highContrast role="status">
          <Callout.Text>
            {'approved' in result
              ? `Removed ${result.approved}; ${result.skipped.length} no longer apply and were dropped.`
              : `Discarded ${result.discarded}; everyone keeps their membership.`}
          </Callout.Text>
        </Callout.Root>
      ) : null}
      {list.isSuccess && rows.length === 0 ? (
        <EmptyState title="Nothing waits">The removal circuit breaker is closed.</EmptyState>
      ) : null}
      {rows.length > 0 ? (
        <>
          <Flex gap="3" wrap="wrap">
            <Button
              color="red"
              highContrast
              disabled={act.isPending}
              onClick={() => act.mutate({ action: 'approve', ids })}
            >
              Approve {scope}
            </Button>
            <Button
              variant="soft"
              disabled={act.isPending}
              onClick={() => act.mutate({ action: 'discard', ids })}
            >
              Discard {scope}
            </Button>
          </Flex>
          <DataTable
            label="Staged removals"
            columns={['Select', 'User', 'Group', { title: 'Why', narrow: true }, 'Staged']}
          >
            {rows.map((r) => (
              <Table.Row key={r.id} data-testid="staged-removal">
                <Table.Cell>
                  <Checkbox
                    aria-label={`Select ${r.email} in ${r.groupName}`}
                    checked={selected.has(r.id)}
                    onCheckedChange={() => toggle(r.id)}
                  />
                </Table.Cell>
                <Table.RowHeaderCell>{r.email}</Table.RowHeaderCell>
                <Table.Cell>
                  {r.groupName} ({r.role})
                </Table.Cell>
                <Table.Cell className="hide-narrow">
                  <Text size="1">{r.reason}</Text>
                </Table.Cell>
                <Table.Cell>
                  <Text size="1">
                    {new Date(r.createdAt).toLocaleString()} · {r.trigger} · {r.idp}
                  </Text>
                </Table.Cell>
              </Table.Row>
            ))}
          </DataTable>
          {list.data?.nextCursor ? (
            <Text size="1" color="gray">
              Showing the first 500; approve or discard all acts on every staged removal.
            </Text>
          ) : null}
        </>
      ) : null}
    </Flex>
  );
}
