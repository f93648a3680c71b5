import { Button, Flex, Progress, Text } from '@radix-ui/themes';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { api, unwrap } from '../api/client';
import type { Job } from '../api/types';
import { jobFinished, jobPercent, jobProgressLine, reconcileSummary } from '../lib/jobs';
import { ErrorCallout } from './ui';

/** How often a running job is read again. */
const POLL_MS = 1000;

/** A job, read again every second until it is over. */
export function useJob(tenant: string, id: string | null) {
  return useQuery({
    queryKey: ['job', tenant, id],
    enabled: id !== null,
    queryFn: () =>
      unwrap<Job>(api.GET('/api/v1/tenants/{tenant}/jobs/{id}', { params: { path: { tenant, id: id! } } })),
    refetchInterval: (query) => (query.state.data && jobFinished(query.state.data) ? false : POLL_MS),
  });
}

/** Calls `onOver` once per job, when it is over (what it changed is read again then). */
export function useOnJobOver(jobId: string | null, over: boolean, onOver: () => void) {
  const notified = useRef<string | null>(null);
  useEffect(() => {
    if (!over || jobId === null || notified.current === jobId) return;
    notified.current = jobId;
    onOver();
  }, [over, jobId, onOver]);
}

/** A reconcile job's state: a line and a bar with Cancel while it runs, then its result. */
export function JobProgress({ tenant, job, onChange }: { tenant: string; job: Job; onChange: () => void }) {
  const cancel = useMutation({
    mutationFn: () =>
      unwrap<Job>(
        api.POST('/api/v1/tenants/{tenant}/jobs/{id}/cancel', { params: { path: { tenant, id: job.id } } }),
      ),
    onSuccess: onChange,
  });
  const running = !jobFinished(job);
  return (
    <Flex direction="column" gap="1" data-testid="job-progress">
      <Text size="2" role="status">
        {jobProgressLine(job)}
        {job.status === 'succeeded' && job.result ? ` Applied: ${reconcileSummary(job.result)}` : null}
      </Text>
      {running ? (
        <Progress
          value={jobPercent(job)}
          aria-label="Progress of the apply"
          aria-valuetext={`${jobPercent(job)}%`}
        />
      ) : null}
      {running ? (
        <Flex>
          <Button
            size="1"
            variant="soft"
            color="red"
            loading={cancel.isPending}
            onClick={() => cancel.mutate()}
          >
            Cancel
          </Button>
        </Flex>
      ) : null}
      <ErrorCallout error={cancel.error} title="Not cancelled" />
    </Flex>
  );
}
