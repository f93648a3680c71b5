import { Button, Card, Flex, Progress, Text } from '@radix-ui/themes';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, unwrap } from '../api/client';
import type { Job, ReconcileAnswer, ReconcileResult } from '../api/types';
import { jobFinished, jobPercent, jobProgressLine, reconcileSummary } from '../lib/jobs';
import { ErrorCallout } from './ui';

/** How often a running job is read again. */
const POLL_MS = 1000;

/** A job, read again every second until it is over. */
function useJob(tenant: string, id: string | null) {
  return useQuery({
    queryKey: ['job', tenant, id],
    enabled: id !== null,
    queryFn: () =>
      unwrap<Job>(api.GET('/api/v1/tenants/{tenant}/jobs/{id}', { params: { path: { tenant, id: id! } } })),
    refetchInterval: (query) => (query.state.data && jobFinished(query.state.data) ? false : POLL_MS),
  });
}

/**
 * After a link change: members change at their next sign-in, or now after a confirmation. A large
 * group's reconcile runs as a job (202): its progress is shown until it is over, with a cancel.
 */
export function ApplyNow(props: {
  tenant: string;
  groupId: string;
  pending: boolean;
  onApplied: () => void;
}) {
  const { tenant, groupId, pending, onApplied } = props;
  const [confirming, setConfirming] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const apply = useMutation({
    mutationFn: () =>
      unwrap<ReconcileAnswer>(
        api.POST('/api/v1/tenants/{tenant}/sync/reconcile', {
          params: { path: { tenant } },
          body: { groupId },
        }),
      ),
    onSuccess: (answer) => {
      setConfirming(false);
      if ('job' in answer) setJobId(answer.job.id);
      else onApplied();
    },
  });
  const job = useJob(tenant, jobId);
  const over = job.data ? jobFinished(job.data) : false;
  // Once per job: the members list is read again when it is over.
  const notified = useRef<string | null>(null);
  useEffect(() => {
    if (!over || jobId === null || notified.current === jobId) return;
    notified.current = jobId;
    onApplied();
  }, [over, jobId, onApplied]);
  const cancel = useMutation({
    mutationFn: (id: string) =>
      unwrap<Job>(
        api.POST('/api/v1/tenants/{tenant}/jobs/{id}/cancel', { params: { path: { tenant, id } } }),
      ),
    onSuccess: () => job.refetch(),
  });
  const direct = apply.data && !('job' in apply.data) ? (apply.data as ReconcileResult) : null;
  if (!pending && !direct && !jobId) return null;
  const busy = jobId !== null && !over;

  return (
    <Card data-testid="apply-now">
      <Flex direction="column" gap="2">
        {direct ? (
          <Text size="2" role="status">
            Applied: {reconcileSummary(direct)}
          </Text>
        ) : null}
        {job.data ? <JobProgress job={job.data} /> : null}
        {busy ? (
          <Flex>
            <Button
              size="1"
              variant="soft"
              color="red"
              loading={cancel.isPending}
              onClick={() => cancel.mutate(jobId)}
            >
              Cancel
            </Button>
          </Flex>
        ) : null}
        {pending && !confirming && !busy ? (
          <Flex gap="3" align="center" wrap="wrap">
            <Text size="2">Links changed: members change at their next sign-in.</Text>
            <Button variant="soft" onClick={() => setConfirming(true)}>
              Apply now…
            </Button>
          </Flex>
        ) : null}
        {confirming ? (
          <Flex gap="3" align="center" wrap="wrap">
            <Text size="2" weight="medium">
              Apply this group's links now to everyone whose IdP groups are known? This adds, re-roles and
              removes as the preview showed.
            </Text>
            <Button loading={apply.isPending} onClick={() => apply.mutate()}>
              Apply
            </Button>
            <Button variant="soft" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </Flex>
        ) : null}
        <ErrorCallout error={apply.error ?? job.error ?? cancel.error} title="Not applied" />
      </Flex>
    </Card>
  );
}

/** A job's state: a bar while it runs, then its result. */
function JobProgress({ job }: { job: Job }) {
  return (
    <Flex direction="column" gap="1" data-testid="job-progress">
      <Text size="2" role="status">
        {jobProgressLine(job)}
        {job.status === 'succeeded' && job.result ? ` Applied: ${reconcileSummary(job.result)}` : null}
      </Text>
      {jobFinished(job) ? null : (
        <Progress
          value={jobPercent(job)}
          aria-label="Progress of the apply"
          aria-valuetext={`${jobPercent(job)}%`}
        />
      )}
    </Flex>
  );
}
