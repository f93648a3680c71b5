import { Button, Card, Flex, Heading, TextField } from '@radix-ui/themes';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import type { DryRun, GroupLink, LinkImpact, Role } from '../api/types';
import { useRoleNames } from './Roles';
import { ImpactPreview } from '../components/ImpactPreview';
import { ErrorCallout, Field, fieldErrors } from '../components/ui';

interface EditDraft {
  role: Role;
  label: string;
}

/**
 * Changing a link's role or label: the impact first (`PATCH ?dryRun=true`), then "Save changes"
 * sends exactly what was previewed; editing a field drops the preview.
 */
export function EditLink({
  tenant,
  groupId,
  link,
  onSaved,
  onCancel,
}: {
  tenant: string;
  groupId: string;
  link: GroupLink;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const roleNames = useRoleNames(tenant);
  const [draft, setDraft] = useState<EditDraft>({ role: link.role, label: link.label ?? '' });
  const [previewed, setPreviewed] = useState<{ draft: EditDraft; impact: LinkImpact } | null>(null);
  const path = { tenant, groupId, linkId: link.id };
  const body = (d: EditDraft) => ({ role: d.role, label: d.label.trim() ? d.label.trim() : null });
  const preview = useMutation({
    mutationFn: (d: EditDraft) =>
      unwrap<DryRun>(
        api.PATCH('/api/v1/tenants/{tenant}/groups/{groupId}/links/{linkId}', {
          params: { path, query: { dryRun: 'true' } },
          body: body(d),
        }),
      ),
    onSuccess: (answer, d) => setPreviewed({ draft: d, impact: answer.impact }),
  });
  const save = useMutation({
    mutationFn: (d: EditDraft) =>
      unwrap<GroupLink>(
        api.PATCH('/api/v1/tenants/{tenant}/groups/{groupId}/links/{linkId}', {
          params: { path },
          body: body(d),
        }),
      ),
    onSuccess: onSaved,
  });
  const edit = (next: EditDraft) => {
    setDraft(next);
    setPreviewed(null);
    save.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (previewed) save.mutate(previewed.draft);
    else preview.mutate(draft);
  };
  const unchanged = draft.role === link.role && draft.label.trim() === (link.label ?? '');
  return (
    <Card data-testid="edit-link">
      <form onSubmit={submit} aria-labelledby="edit-link-title">
        <Flex direction="column" gap="3">
          <Heading as="h3" size="3" id="edit-link-title">
            Edit the link <span className="mono">{link.externalGroup}</span>
          </Heading>
          <Flex gap="3" wrap="wrap">
            <Field id="edit-link-role" label="Role">
              <select
                id="edit-link-role"
                className="native-select"
                value={draft.role}
                onChange={(e) => edit({ ...draft, role: e.target.value as Role })}
              >
                {roleNames.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </Field>
            <Field
              id="edit-link-label"
              label="Label (optional)"
              errors={fieldErrors(preview.error ?? save.error, 'label')}
            >
              <TextField.Root
                id="edit-link-label"
                value={draft.label}
                onChange={(e) => edit({ ...draft, label: e.target.value })}
              />
            </Field>
          </Flex>
          <ErrorCallout error={preview.error} title="Cannot preview" />
          {previewed ? <ImpactPreview impact={previewed.impact} /> : null}
          <ErrorCallout error={save.error} title="Not saved" />
          <Flex gap="2">
            {previewed ? (
              <Button type="submit" loading={save.isPending}>
                Save changes
              </Button>
            ) : (
              <Button type="submit" loading={preview.isPending} disabled={unchanged}>
                Preview impact
              </Button>
            )}
            <Button type="button" variant="soft" onClick={onCancel}>
              Cancel
            </Button>
          </Flex>
        </Flex>
      </form>
    </Card>
  );
}
