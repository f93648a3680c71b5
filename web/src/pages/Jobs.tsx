import { Badge, Button, Flex, Heading, Progress, Table, Text } from '@radix-ui/themes';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { Job, JobStatus, Page } from '../api/types';
import { EmptyState, ErrorCallout, Field } from '../components/ui';
import { jobFinished, jobPercent, jobProgressLine, reconcileSummary } from '../lib/jobs';

const STATUSES: JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
const COLORS: Record<JobStatus, 'gray' | 'blue' | 'green' | 'red' | 'amber'> = {
  queued: 'gray',
  running: 'blue',
  succeeded: 'green',
  failed: 'red',
  cancelled: 'amber',
};

/** Background jobs of the workspace (large "apply now" reconciles), newest first; read again while one runs. */
export function JobsPage() {
  const { tenant = '' } = useParams();
  const [status, setStatus] = useState<JobStatus | ''>('');
  const jobs = useInfiniteQuery({
    queryKey: ['jobs', tenant, status],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap<Page<Job>>(
        api.GET('/api/v1/tenants/{tenant}/jobs', {
          params: {
            path: { tenant },
            query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}), ...(status ? { status } : {}) },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((j) => !jobFinished(j))) ? 2000 : false,
  });
  const rows = jobs.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Flex direction="column" gap="4">
      <Heading as="h2" size="4">
        Jobs
      </Heading>
      <Text as="p" size="2" color="gray">
        Long work runs in the background: applying links to more people than the service applies at once. Each
        job shows how far it got; the changes it made are in the audit log under its correlation id.
      </Text>
      <Field id="job-status" label="Status">
        <select
          id="job-status"
          className="native-select"
          value={status}
          onChange={(e) => setStatus(e.target.value as JobStatus | '')}
        >
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </Field>
      <ErrorCallout error={jobs.error} title="Could not load the jobs" />
      {jobs.data && rows.length === 0 ? (
        <EmptyState title="No jobs">Applying links to a large group starts one.</EmptyState>
      ) : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <Table.Root variant="surface" aria-label="Jobs">
            <Table.Header>
              <Table.Row>
                <Table.ColumnHeaderCell>Started</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>Kind</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>Status</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>Progress</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>By</Table.ColumnHeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {rows.map((job) => (
                <Table.Row key={job.id} data-testid="job-row">
                  <Table.Cell>{new Date(job.createdAt).toLocaleString()}</Table.Cell>
                  <Table.Cell>{job.kind}</Table.Cell>
                  <Table.Cell>
                    <Badge highContrast color={COLORS[job.status]}>{job.status}</Badge>
                  </Table.Cell>
                  <Table.Cell>
                    <Flex direction="column" gap="1">
                      <Text size="2">{jobProgressLine(job)}</Text>
                      {job.status === 'succeeded' && job.result ? (
                        <Text size="1" color="gray">
                          {reconcileSummary(job.result)}
                        </Text>
                      ) : null}
                      {jobFinished(job) ? null : <Progress value={jobPercent(job)} aria-label="Progress" />}
                    </Flex>
                  </Table.Cell>
                  <Table.Cell>{job.createdBy.label ?? job.createdBy.type}</Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table.Root>
        </div>
      ) : null}
      {jobs.hasNextPage ? (
        <Flex>
          <Button variant="soft" loading={jobs.isFetchingNextPage} onClick={() => void jobs.fetchNextPage()}>
            Show more
          </Button>
        </Flex>
      ) : null}
    </Flex>
  );
}
