import { Badge, Button, Card, Flex, Heading, Table, Text, TextField } from '@radix-ui/themes';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Fragment, useState, type FormEvent } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { AuditPage as Page } from '../api/types';
import { EmptyState, ErrorCallout, Field, fieldErrors } from '../components/ui';
import { auditQuery, auditSummary, isSyncSummary } from '../lib/audit';
import { SignInChanges } from '../components/SignInChanges';
import { useGroups } from './Groups';
import { useIdentityProviders } from './IdentityProviders';

const EMPTY = {
  action: '',
  userId: '',
  email: '',
  groupId: '',
  idp: '',
  correlationId: '',
  since: '',
  until: '',
};
type Filters = typeof EMPTY;

/** The server's CSV export of the filter: every event, streamed (GET .../audit-events.csv). */
function auditCsvUrl(tenant: string, filters: Filters): string {
  const query = new URLSearchParams(auditQuery(filters)).toString();
  return `/api/v1/tenants/${encodeURIComponent(tenant)}/audit-events.csv${query ? `?${query}` : ''}`;
}

/** The workspace's audit trail, newest first, with the API's filters and cursor paging. */
export function AuditPage() {
  const { tenant = '' } = useParams();
  // A link may open the log filtered (the users page: ?userId=; a refused user's reference: ?correlationId=).
  const [params] = useSearchParams();
  const initial = {
    ...EMPTY,
    action: params.get('action') ?? '',
    userId: params.get('userId') ?? '',
    correlationId: params.get('correlationId') ?? '',
    groupId: params.get('groupId') ?? '',
    idp: params.get('idp') ?? '',
  };
  const groups = useGroups(tenant);
  const idps = useIdentityProviders(tenant);
  const [form, setForm] = useState(initial);
  const [filters, setFilters] = useState(initial);
  const [exportStarted, setExportStarted] = useState(false);
  // A plain download: the browser streams the file to disk, however many events the filter holds.
  const exportCsv = () => {
    const a = document.createElement('a');
    a.href = auditCsvUrl(tenant, filters);
    a.download = '';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setExportStarted(true);
  };
  const [open, setOpen] = useState<Set<string>>(new Set());
  const events = useInfiniteQuery({
    queryKey: ['audit', tenant, filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap<Page>(
        api.GET('/api/v1/tenants/{tenant}/audit-events', {
          params: {
            path: { tenant },
            query: { ...auditQuery(filters), limit: 50, ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  const toggle = (id: string) => {
    const next = new Set(open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setOpen(next);
  };
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters(form);
  };
  return (
    <Flex direction="column" gap="4">
      <Heading as="h2" size="4">
        Audit log
      </Heading>
      <Card>
        <form onSubmit={apply} aria-label="Filters">
          <Flex gap="3" wrap="wrap" align="end">
            <Field
              id="f-action"
              label="Action"
              hint="e.g. membership.* or sso.sign_in_refused"
              errors={fieldErrors(events.error, 'action')}
            >
              <TextField.Root
                id="f-action"
                value={form.action}
                onChange={(e) => setForm({ ...form, action: e.target.value })}
              />
            </Field>
            <Field id="f-user" label="User id" errors={fieldErrors(events.error, 'userId')}>
              <TextField.Root
                id="f-user"
                value={form.userId}
                onChange={(e) => setForm({ ...form, userId: e.target.value })}
              />
            </Field>
            <Field id="f-email" label="Email" errors={fieldErrors(events.error, 'email')}>
              <TextField.Root
                id="f-email"
                type="search"
                value={form.email}
                onChange={(e) => setForm({ ...form, email: e.target.value })}
              />
            </Field>
            <Field id="f-group" label="Group">
              <select
                id="f-group"
                className="native-select"
                value={form.groupId}
                onChange={(e) => setForm({ ...form, groupId: e.target.value })}
              >
                <option value="">any</option>
                {groups.data?.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="f-idp" label="Identity provider">
              <select
                id="f-idp"
                className="native-select"
                value={form.idp}
                onChange={(e) => setForm({ ...form, idp: e.target.value })}
              >
                <option value="">any</option>
                {idps.data?.map((i) => (
                  <option key={i.id} value={i.slug}>
                    {i.name ?? i.slug}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              id="f-correlation"
              label="Correlation id"
              hint="The reference an error or a refused sign-in shows"
              errors={fieldErrors(events.error, 'correlationId')}
            >
              <TextField.Root
                id="f-correlation"
                value={form.correlationId}
                onChange={(e) => setForm({ ...form, correlationId: e.target.value })}
              />
            </Field>
            <Field id="f-since" label="From">
              <TextField.Root
                id="f-since"
                type="datetime-local"
                value={form.since}
                onChange={(e) => setForm({ ...form, since: e.target.value })}
              />
            </Field>
            <Field id="f-until" label="Until">
              <TextField.Root
                id="f-until"
                type="datetime-local"
                value={form.until}
                onChange={(e) => setForm({ ...form, until: e.target.value })}
              />
            </Field>
            <Button type="submit">Filter</Button>
            <Button
              type="button"
              variant="soft"
              onClick={() => {
                setForm(EMPTY);
                setFilters(EMPTY);
              }}
            >
              Clear
            </Button>
          </Flex>
        </form>
      </Card>
      <Flex gap="3" align="center" wrap="wrap">
        <Button variant="soft" onClick={exportCsv}>
          Export CSV
        </Button>
        <Text size="1" color="gray" aria-live="polite">
          {exportStarted
            ? 'Download started: every event of the current filter, newest first.'
            : 'Every event of the current filter, newest first, as one CSV file.'}
        </Text>
      </Flex>
      <ErrorCallout error={events.error} title="Could not load the audit log" />
      {events.isSuccess && items.length === 0 ? (
        <EmptyState title="No events match">
          Changes made here or through the API, sign-ins and SCIM pushes appear as they happen. Clear the
          filters to see everything.
        </EmptyState>
      ) : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <Table.Root variant="surface" size="1" aria-label="Audit events">
            <Table.Header>
              <Table.Row>
                <Table.ColumnHeaderCell>Time</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>Action</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>What</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell className="hide-narrow">By</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>
                  <span className="sr-only">Details</span>
                </Table.ColumnHeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {items.map((e) => (
                <Fragment key={e.id}>
                  <Table.Row data-testid="audit-row">
                    <Table.Cell>
                      <time dateTime={e.createdAt}>{new Date(e.createdAt).toLocaleString()}</time>
                    </Table.Cell>
                    <Table.Cell>
                      <Badge
                        highContrast
                        color={e.action.startsWith('sso.') || e.action.endsWith('denied') ? 'red' : 'gray'}
                      >
                        {e.action}
                      </Badge>
                    </Table.Cell>
                    <Table.Cell>
                      <Text size="1">{auditSummary(e)}</Text>
                    </Table.Cell>
                    <Table.Cell className="hide-narrow">
                      <Text size="1">
                        {e.actor.type}
                        {e.actor.label ? `: ${e.actor.label}` : ''}
                      </Text>
                    </Table.Cell>
                    <Table.Cell>
                      <Button
                        size="1"
                        variant="ghost"
                        aria-expanded={open.has(e.id)}
                        aria-controls={`ev-${e.id}`}
                        onClick={() => toggle(e.id)}
                      >
                        {open.has(e.id) ? 'Hide' : 'Details'}
                      </Button>
                    </Table.Cell>
                  </Table.Row>
                  {open.has(e.id) ? (
                    <Table.Row id={`ev-${e.id}`}>
                      <Table.Cell colSpan={5}>
                        {isSyncSummary(e) && e.correlationId ? (
                          <SignInChanges tenant={tenant} correlationId={e.correlationId} summaryId={e.id} />
                        ) : null}
                        <pre className="pre">
                          {JSON.stringify(
                            {
                              correlationId: e.correlationId,
                              target: e.target,
                              userId: e.userId,
                              before: e.before,
                              after: e.after,
                              details: e.details,
                            },
                            null,
                            2,
                          )}
                        </pre>
                      </Table.Cell>
                    </Table.Row>
                  ) : null}
                </Fragment>
              ))}
            </Table.Body>
          </Table.Root>
        </div>
      ) : null}
      {events.hasNextPage ? (
        <Flex>
          <Button
            variant="soft"
            loading={events.isFetchingNextPage}
            onClick={() => void events.fetchNextPage()}
          >
            Older events
          </Button>
        </Flex>
      ) : null}
    </Flex>
  );
}
