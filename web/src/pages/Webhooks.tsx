import { Badge, Button, Callout, Card, Checkbox, Flex, Heading, Table, Text, TextField } from '@radix-ui/themes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { Page } from '../api/types';
import type { DeliveryStatus, Webhook, WebhookDelivery } from '../api/webhook-types';
import { CopyField, EmptyState, ErrorCallout, Field, fieldErrors } from '../components/ui';
import { DataTable } from '../components/DataTable';

/** The event types of docs/webhooks.md, in the order people read them. */
const EVENT_TYPES = [
  'membership.added',
  'membership.removed',
  'membership.role_changed',
  'user.created',
  'user.blocked',
  'user.unblocked',
  'sign_in.refused',
  'signup.denied',
  'sync.breaker_tripped',
] as const;
type EventType = (typeof EVENT_TYPES)[number];

const COLORS: Record<DeliveryStatus, 'gray' | 'blue' | 'green' | 'red'> = {
  pending: 'gray',
  delivering: 'blue',
  delivered: 'green',
  failed: 'red',
};

/** Webhooks of the workspace: signed events to the workspace's own receivers, and what was sent. */
export function WebhooksPage() {
  const { tenant = '' } = useParams();
  const queryClient = useQueryClient();
  const hooks = useQuery({
    queryKey: ['webhooks', tenant],
    queryFn: () => unwrap<Webhook[]>(api.GET('/api/v1/tenants/{tenant}/webhooks', { params: { path: { tenant } } })),
  });
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<EventType[]>(['membership.added', 'membership.removed']);
  const [open, setOpen] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      unwrap<Webhook>(
        api.POST('/api/v1/tenants/{tenant}/webhooks', { params: { path: { tenant } }, body: { url, events } }),
      ),
    onSuccess: async () => {
      setUrl('');
      await queryClient.invalidateQueries({ queryKey: ['webhooks', tenant] });
    },
  });
  const toggle = (type: EventType, on: boolean) =>
    setEvents((now) => (on ? [...now, type] : now.filter((t) => t !== type)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <Flex direction="column" gap="4">
      <Heading as="h2" size="4">
        Webhooks
      </Heading>
      <Text as="p" size="2" color="gray">
        Changes of this workspace are POSTed, signed, to your receivers: at least once, in order per user,
        retried with back-off. A receiver failing for days is turned off.
      </Text>
      <ErrorCallout error={hooks.error} title="Could not load the webhooks" />
      {create.data?.secret ? (
        <Card data-testid="new-webhook-secret">
          <Flex direction="column" gap="3">
            <Callout.Root color="amber" size="1">
              <Callout.Text>Copy the signing secret now: it is shown only this once.</Callout.Text>
            </Callout.Root>
            <CopyField label="Signing secret" value={create.data.secret} />
            <Flex>
              <Button variant="soft" onClick={() => create.reset()}>
                Done, I have copied it
              </Button>
            </Flex>
          </Flex>
        </Card>
      ) : null}
      {hooks.isSuccess && hooks.data.length === 0 ? (
        <EmptyState title="No webhooks yet">Add a receiver below.</EmptyState>
      ) : null}
      {(hooks.data ?? []).length > 0 ? (
        <DataTable label="Webhooks" columns={['URL', 'Events', 'State']} actions>
          {(hooks.data ?? []).map((h) => (
            <Table.Row key={h.id} data-testid="webhook-row">
              <Table.RowHeaderCell className="mono">{h.url}</Table.RowHeaderCell>
              <Table.Cell>{h.events.join(', ')}</Table.Cell>
              <Table.Cell>
                {h.enabled ? (
                  <Badge color="green">enabled</Badge>
                ) : (
                  <Badge color="red" title={h.disabledReason ?? undefined}>
                    disabled
                  </Badge>
                )}
              </Table.Cell>
              <Table.Cell>
                <Button size="1" variant="soft" onClick={() => setOpen(open === h.id ? null : h.id)}>
                  {open === h.id ? 'Hide deliveries' : 'Deliveries'}
                </Button>
              </Table.Cell>
            </Table.Row>
          ))}
        </DataTable>
      ) : null}
      {open ? <Deliveries tenant={tenant} webhookId={open} /> : null}
      <Card>
        <form onSubmit={submit} aria-labelledby="new-webhook-title">
          <Flex direction="column" gap="3">
            <Heading as="h3" size="3" id="new-webhook-title">
              Add a webhook
            </Heading>
            <Field id="webhook-url" label="Receiver URL" errors={fieldErrors(create.error, 'url')}>
              <TextField.Root id="webhook-url" value={url} onChange={(e) => setUrl(e.target.value)} required />
            </Field>
            <fieldset className="plain-fieldset">
              <legend>Events</legend>
              <Flex gap="3" wrap="wrap">
                {EVENT_TYPES.map((type) => (
                  <Text as="label" size="2" key={type}>
                    <Flex gap="1" align="center">
                      <Checkbox checked={events.includes(type)} onCheckedChange={(on) => toggle(type, on === true)} />
                      {type}
                    </Flex>
                  </Text>
                ))}
              </Flex>
            </fieldset>
            {create.error && fieldErrors(create.error, 'url').length === 0 ? (
              <ErrorCallout error={create.error} title="Not created" />
            ) : null}
            <Flex>
              <Button type="submit" loading={create.isPending} disabled={events.length === 0}>
                Add webhook
              </Button>
            </Flex>
          </Flex>
        </form>
      </Card>
    </Flex>
  );
}

/** The newest deliveries of one webhook, read again while any is on its way; test and redeliver. */
function Deliveries({ tenant, webhookId }: { tenant: string; webhookId: string }) {
  const queryClient = useQueryClient();
  const path = { tenant, webhookId };
  const deliveries = useQuery({
    queryKey: ['webhook-deliveries', tenant, webhookId],
    queryFn: () =>
      unwrap<Page<WebhookDelivery>>(
        api.GET('/api/v1/tenants/{tenant}/webhooks/{webhookId}/deliveries', {
          params: { path, query: { limit: 50 } },
        }),
      ),
    refetchInterval: (query) =>
      query.state.data?.items.some((d) => d.status === 'pending' || d.status === 'delivering') ? 2000 : false,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['webhook-deliveries', tenant, webhookId] });
  const test = useMutation({
    mutationFn: () =>
      unwrap<WebhookDelivery>(api.POST('/api/v1/tenants/{tenant}/webhooks/{webhookId}/test', { params: { path } })),
    onSuccess: refresh,
  });
  const redeliver = useMutation({
    mutationFn: (deliveryId: string) =>
      unwrap<WebhookDelivery>(
        api.POST('/api/v1/tenants/{tenant}/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver', {
          params: { path: { ...path, deliveryId } },
        }),
      ),
    onSuccess: refresh,
  });
  const rows = deliveries.data?.items ?? [];
  return (
    <Flex direction="column" gap="3">
      <Flex gap="3" align="center">
        <Heading as="h3" size="3">
          Deliveries
        </Heading>
        <Button size="1" variant="soft" loading={test.isPending} onClick={() => test.mutate()}>
          Send test event
        </Button>
      </Flex>
      <ErrorCallout error={deliveries.error} title="Could not load the deliveries" />
      <ErrorCallout error={test.error} title="Test event not sent" />
      <ErrorCallout error={redeliver.error} title="Not redelivered" />
      {deliveries.isSuccess && rows.length === 0 ? (
        <EmptyState title="Nothing sent yet">Events appear here as they happen.</EmptyState>
      ) : null}
      {rows.length > 0 ? (
        <DataTable label="Deliveries" columns={['When', 'Event', 'Status', 'Attempts', 'Answer']} actions>
          {rows.map((d) => (
            <Table.Row key={d.id} data-testid="delivery-row">
              <Table.Cell>
                <time dateTime={d.createdAt}>{new Date(d.createdAt).toLocaleString()}</time>
              </Table.Cell>
              <Table.Cell>{d.eventType}</Table.Cell>
              <Table.Cell>
                <Badge color={COLORS[d.status]}>{d.status}</Badge>
              </Table.Cell>
              <Table.Cell>{d.attempts}</Table.Cell>
              <Table.Cell>
                {d.lastStatusCode ?? d.lastError ?? ''}
                {d.lastDurationMs !== null ? ` (${d.lastDurationMs} ms)` : ''}
              </Table.Cell>
              <Table.Cell>
                <Button size="1" variant="soft" onClick={() => redeliver.mutate(d.id)}>
                  Redeliver
                </Button>
              </Table.Cell>
            </Table.Row>
          ))}
        </DataTable>
      ) : null}
    </Flex>
  );
}
