import { Badge, Button, Flex, Text } from '@radix-ui/themes';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import type { Job } from '../api/types';
import { jobFinished } from '../lib/jobs';
import { JobProgress, useJob, useOnJobOver } from './JobProgress';
import { ErrorCallout } from './ui';

interface ResumePreview {
  totals: { usersChanged: number; adds: number; roleChanges: number; removals: number; adminChanges: number };
  stillPaused: { tenant: boolean; idps: string[] };
}
/** Resume and apply over JOBS_RECONCILE_THRESHOLD users: the pause is lifted, a job applies the changes. */
interface ResumeQueued {
  job: Job;
}

/**
 * Pause sync for the workspace or one IdP (docs/sync.md, "Pausing sync"), and resume it the safe way:
 * first the preview of what resuming applies, then resume and apply. A large resume is applied by a
 * job: its progress is shown (as "Apply now" shows a reconcile's) until it is over.
 */
export function SyncPauseControl({ tenant, idp, paused }: { tenant: string; idp?: string; paused: boolean }) {
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all(
      ['idps', 'tenant', 'overview'].map((k) => queryClient.invalidateQueries({ queryKey: [k, tenant] })),
    );
  const pause = useMutation({
    mutationFn: () =>
      idp
        ? unwrap(
            api.PATCH('/api/v1/tenants/{tenant}/identity-providers/{idp}', {
              params: { path: { tenant, idp } },
              body: { syncPaused: true },
            }),
          )
        : unwrap(
            api.PATCH('/api/v1/tenants/{tenant}', {
              params: { path: { tenant } },
              body: { settings: { syncPaused: true } },
            }),
          ),
    onSuccess: refresh,
  });
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJob(tenant, jobId);
  useOnJobOver(jobId, job.data ? jobFinished(job.data) : false, refresh);
  const resume = useMutation({
    mutationFn: (dryRun: boolean) =>
      unwrap<ResumePreview | ResumeQueued>(
        api.POST('/api/v1/tenants/{tenant}/sync/resume', {
          params: { path: { tenant }, query: { dryRun: dryRun ? 'true' : 'false' } },
          body: idp ? { idp } : {},
        }),
      ),
    onSuccess: async (data, dryRun) => {
      if (dryRun) return;
      if ('job' in data) setJobId(data.job.id);
      await refresh();
    },
  });
  const preview =
    resume.variables === true && resume.data && 'totals' in resume.data ? resume.data : undefined;
  const progress = job.data ? (
    <JobProgress tenant={tenant} job={job.data} onChange={() => void job.refetch()} />
  ) : null;
  if (!paused)
    return (
      <Flex direction="column" gap="2">
        <Flex gap="2" align="center" wrap="wrap">
          <Button size="1" variant="soft" disabled={pause.isPending} onClick={() => pause.mutate()}>
            Pause sync
          </Button>
          <ErrorCallout error={pause.error} title="Could not pause sync" />
        </Flex>
        {progress}
        <ErrorCallout error={job.error} title="Could not read the resume's progress" />
      </Flex>
    );
  return (
    <Flex direction="column" gap="2">
      <Flex gap="2" align="center" wrap="wrap">
        <Badge color="amber">sync paused</Badge>
        <Text size="1" color="gray">
          Sign-ins work and their groups are stored; no membership changes until you resume.
        </Text>
        <Button size="1" variant="soft" disabled={resume.isPending} onClick={() => resume.mutate(true)}>
          Preview resume
        </Button>
      </Flex>
      {preview ? (
        <Flex gap="2" align="center" wrap="wrap" data-testid="resume-preview">
          <Text size="2">
            Resuming applies {preview.totals.adds} additions, {preview.totals.roleChanges} role changes,{' '}
            {preview.totals.removals} removals and {preview.totals.adminChanges} admin changes for{' '}
            {preview.totals.usersChanged} users
            {preview.stillPaused.tenant ? ' (nothing while the workspace itself is paused)' : ''}.
          </Text>
          <Button
            size="1"
            color="red"
            highContrast
            disabled={resume.isPending}
            onClick={() => resume.mutate(false)}
          >
            Resume and apply
          </Button>
        </Flex>
      ) : null}
      {progress}
      <ErrorCallout error={resume.error} title="Could not resume sync" />
    </Flex>
  );
}
