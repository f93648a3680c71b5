import { Button, Card, Flex, Text } from '@radix-ui/themes';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import type { ReconcileAnswer, ReconcileResult } from '../api/types';
import { jobFinished, reconcileSummary } from '../lib/jobs';
import { JobProgress, useJob, useOnJobOver } from './JobProgress';
import { ErrorCallout } from './ui';

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
  useOnJobOver(jobId, over, onApplied);
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
        {job.data ? <JobProgress tenant={tenant} job={job.data} onChange={() => void job.refetch()} /> : null}
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
        <ErrorCallout error={apply.error ?? job.error} title="Not applied" />
      </Flex>
    </Card>
  );
}
