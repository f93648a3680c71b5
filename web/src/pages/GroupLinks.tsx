import { Button, Card, Flex, Heading, Table, Text, TextField } from '@radix-ui/themes';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import type { DryRun, GroupLink, LinkImpact, Page, Role } from '../api/types';
import { ApplyNow } from '../components/ApplyNow';
import { useRoleNames } from './Roles';
import { ImpactPreview } from '../components/ImpactPreview';
import { EmptyState, ErrorCallout, Field, fieldErrors } from '../components/ui';
import { EditLink } from './GroupLinkEdit';
import { LinkPatternFields } from '../components/LinkPatternFields';
import type { MatchType } from '../lib/link-pattern';
import { useIdentityProviders } from './IdentityProviders';

/** Links rendered at once; a group with thousands stays quick, "Find" and "Show more" reach the rest. */
const PAGE = 100;
const linkMatches = (l: GroupLink, text: string) => {
  const t = text.trim().toLowerCase();
  return (
    !t ||
    l.externalGroup.toLowerCase().includes(t) ||
    (l.label ?? '').toLowerCase().includes(t) ||
    l.role === t
  );
};

interface LinkDraft {
  externalGroup: string;
  matchType: MatchType;
  targetFromCapture: boolean;
  label: string;
  role: Role;
  idp: string;
}

/** A group's links: list, find, add (preview first), edit (preview first), delete (preview first), apply now. */
/**
 * Every link of the group by cursor: the first 100 (what is rendered first) in one small request,
 * then the rest 500 at a time in the background, so "Find" searches them all.
 */
function useAllLinks(tenant: string, groupId: string) {
  const pages = useInfiniteQuery({
    queryKey: ['links', tenant, groupId],
    initialPageParam: { limit: PAGE } as { limit: number; cursor?: string },
    queryFn: ({ pageParam }) =>
      unwrap<Page<GroupLink>>(
        api.GET('/api/v1/tenants/{tenant}/groups/{groupId}/links', {
          params: { path: { tenant, groupId }, query: pageParam },
        }),
      ),
    getNextPageParam: (last) => (last.nextCursor ? { limit: 500, cursor: last.nextCursor } : undefined),
  });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const data = useMemo(() => pages.data?.pages.flatMap((p) => p.items), [pages.data]);
  return { data, error: pages.error, loadingMore: hasNextPage };
}

export function Links({ tenant, groupId }: { tenant: string; groupId: string }) {
  const queryClient = useQueryClient();
  const idps = useIdentityProviders(tenant);
  const roleNames = useRoleNames(tenant);
  const links = useAllLinks(tenant, groupId);
  const path = { tenant, groupId };
  const [find, setFind] = useState('');
  const [shown, setShown] = useState(PAGE);
  const matching = (links.data ?? []).filter((l) => linkMatches(l, find));
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['links', tenant, groupId] }),
      queryClient.invalidateQueries({ queryKey: ['members', tenant] }),
    ]);

  // Adding: preview first (dryRun), then save exactly what was previewed.
  const [draft, setDraft] = useState<LinkDraft>({
    ...{ externalGroup: '', label: '', role: 'developer', idp: '' },
    ...{ matchType: 'exact', targetFromCapture: false },
  });
  const [previewed, setPreviewed] = useState<{ draft: LinkDraft; impact: LinkImpact } | null>(null);
  const body = (d: LinkDraft) => ({
    externalGroup: d.externalGroup,
    role: d.role,
    ...(d.matchType !== 'exact' ? { matchType: d.matchType } : {}),
    ...(d.targetFromCapture ? { targetFromCapture: true } : {}),
    ...(d.label.trim() ? { label: d.label.trim() } : {}),
    ...(d.idp ? { idp: d.idp } : {}),
  });
  const preview = useMutation({
    mutationFn: (d: LinkDraft) =>
      unwrap<DryRun>(
        api.POST('/api/v1/tenants/{tenant}/groups/{groupId}/links', {
          params: { path, query: { dryRun: 'true' } },
          body: body(d),
        }),
      ),
    onSuccess: (answer, d) => setPreviewed({ draft: d, impact: answer.impact }),
  });
  const save = useMutation({
    mutationFn: (d: LinkDraft) =>
      unwrap<GroupLink>(
        api.POST('/api/v1/tenants/{tenant}/groups/{groupId}/links', { params: { path }, body: body(d) }),
      ),
    onSuccess: async () => {
      setPreviewed(null);
      setDraft({ ...draft, externalGroup: '', label: '' });
      setPending(true);
      await refresh();
    },
  });

  // After a link change: members change at their next sign-in, or now (ApplyNow).
  const [pending, setPending] = useState(false);
  const applied = () => {
    setPending(false);
    void refresh();
  };
  const edit = (next: LinkDraft) => {
    setDraft(next);
    setPreviewed(null); // a preview only holds for what was previewed
    save.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (previewed) save.mutate(previewed.draft);
    else preview.mutate(draft);
  };

  // Editing role or label: its own panel previews, then saves.
  const [editing, setEditing] = useState<GroupLink | null>(null);

  // Deleting: the preview of the removal, then confirm.
  const [deleting, setDeleting] = useState<{ link: GroupLink; impact: LinkImpact } | null>(null);
  const previewDelete = useMutation({
    mutationFn: (link: GroupLink) =>
      unwrap<DryRun>(
        api.DELETE('/api/v1/tenants/{tenant}/groups/{groupId}/links/{linkId}', {
          params: { path: { ...path, linkId: link.id }, query: { dryRun: 'true' } },
        }),
      ),
    onSuccess: (answer, link) => setDeleting({ link, impact: answer.impact }),
  });
  const remove = useMutation({
    mutationFn: (link: GroupLink) =>
      unwrap(
        api.DELETE('/api/v1/tenants/{tenant}/groups/{groupId}/links/{linkId}', {
          params: { path: { ...path, linkId: link.id } },
        }),
      ),
    onSuccess: async () => {
      setDeleting(null);
      setPending(true);
      await refresh();
    },
  });

  return (
    <Flex direction="column" gap="3" mt="3">
      <ErrorCallout error={links.error} title="Could not load the links" />
      {links.data && links.data.length === 0 ? (
        <EmptyState title="No links yet">
          Link an IdP group to this group with a role: its members get that role here at their next sign-in.
          Add the first link below; you will see who it affects before it is saved.
        </EmptyState>
      ) : null}
      {links.data && links.data.length > PAGE ? (
        <Field
          id="link-find"
          label={`Find a link (${links.data.length}${links.loadingMore ? '… loading' : ''} in this group)`}
        >
          <TextField.Root
            id="link-find"
            value={find}
            onChange={(e) => {
              setFind(e.target.value);
              setShown(PAGE);
            }}
          />
        </Field>
      ) : null}
      {links.data && links.data.length > 0 ? (
        <div className="table-wrap">
          <Table.Root variant="surface" aria-label="Group links">
            <Table.Header>
              <Table.Row>
                <Table.ColumnHeaderCell>IdP group</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>Role</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>Identity provider</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>
                  <span className="sr-only">Actions</span>
                </Table.ColumnHeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {matching.slice(0, shown).map((link) => (
                <Table.Row key={link.id} data-testid="link-row">
                  <Table.RowHeaderCell>
                    <span className="mono">{link.externalGroup}</span>
                    {link.matchType && link.matchType !== 'exact' ? ` (${link.matchType})` : null}
                    {link.label ? (
                      <Text size="1" color="gray">
                        {' '}
                        ({link.label})
                      </Text>
                    ) : null}
                  </Table.RowHeaderCell>
                  <Table.Cell>{link.role}</Table.Cell>
                  <Table.Cell>{link.idp ?? 'any'}</Table.Cell>
                  <Table.Cell>
                    <Flex gap="2">
                      <Button
                        size="1"
                        variant="soft"
                        onClick={() => setEditing(link)}
                        aria-label={`Edit link ${link.externalGroup}`}
                      >
                        Edit…
                      </Button>
                      <Button
                        size="1"
                        color="red"
                        variant="soft"
                        highContrast
                        loading={previewDelete.isPending && previewDelete.variables?.id === link.id}
                        onClick={() => previewDelete.mutate(link)}
                        aria-label={`Delete link ${link.externalGroup}`}
                      >
                        Delete…
                      </Button>
                    </Flex>
                  </Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table.Root>
        </div>
      ) : null}
      <ApplyNow tenant={tenant} groupId={groupId} pending={pending} onApplied={applied} />
      {matching.length > shown ? (
        <Flex gap="3" align="center">
          <Text size="2" color="gray">
            Showing {shown} of {matching.length}
          </Text>
          <Button variant="soft" onClick={() => setShown(shown + PAGE)}>
            Show more
          </Button>
        </Flex>
      ) : null}
      {editing ? (
        <EditLink
          key={editing.id}
          tenant={tenant}
          groupId={groupId}
          link={editing}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            setPending(true);
            void refresh();
          }}
        />
      ) : null}
      <ErrorCallout error={previewDelete.error} title="Could not preview the deletion" />
      {deleting ? (
        <Card>
          <Flex direction="column" gap="3">
            <Heading as="h3" size="3">
              Delete the link {deleting.link.externalGroup} → {deleting.link.role}?
            </Heading>
            <ImpactPreview impact={deleting.impact} />
            <ErrorCallout error={remove.error} title="Not deleted" />
            <Flex gap="2">
              <Button color="red" loading={remove.isPending} onClick={() => remove.mutate(deleting.link)}>
                Delete link
              </Button>
              <Button variant="soft" onClick={() => setDeleting(null)}>
                Cancel
              </Button>
            </Flex>
          </Flex>
        </Card>
      ) : null}
      <Card>
        <form onSubmit={submit} aria-labelledby="new-link">
          <Flex direction="column" gap="3">
            <Heading as="h3" size="3" id="new-link">
              Add a link
            </Heading>
            <Flex gap="3" wrap="wrap">
              <Field
                id="link-external"
                label="IdP group"
                hint="Name or object id exactly as the IdP sends it, or the pattern (see Match)"
                errors={fieldErrors(preview.error ?? save.error, 'externalGroup')}
              >
                <TextField.Root
                  id="link-external"
                  value={draft.externalGroup}
                  onChange={(e) => edit({ ...draft, externalGroup: e.target.value })}
                  required
                />
              </Field>
              <Field id="link-label" label="Label (optional)" hint="Readable name for an object id">
                <TextField.Root
                  id="link-label"
                  value={draft.label}
                  onChange={(e) => edit({ ...draft, label: e.target.value })}
                />
              </Field>
              <Field id="link-role" label="Role">
                <select
                  id="link-role"
                  className="native-select"
                  value={draft.role}
                  onChange={(e) => edit({ ...draft, role: e.target.value as Role })}
                >
                  {roleNames.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </Field>
              <Field id="link-idp" label="Identity provider">
                <select
                  id="link-idp"
                  className="native-select"
                  value={draft.idp}
                  onChange={(e) => edit({ ...draft, idp: e.target.value })}
                >
                  <option value="">any of this workspace</option>
                  {idps.data?.map((i) => (
                    <option key={i.id} value={i.slug}>
                      {i.name ?? i.slug}
                    </option>
                  ))}
                </select>
              </Field>
            </Flex>
            <LinkPatternFields
              {...{ matchType: draft.matchType, targetFromCapture: draft.targetFromCapture }}
              pattern={draft.externalGroup}
              onChange={(next) => edit({ ...draft, ...next })}
            />
            <ErrorCallout
              error={
                preview.error && fieldErrors(preview.error, 'externalGroup').length === 0
                  ? preview.error
                  : null
              }
              title="Cannot preview"
            />
            {previewed ? <ImpactPreview impact={previewed.impact} /> : null}
            <ErrorCallout error={save.error} title="Not saved" />
            <Flex gap="2">
              {previewed ? (
                <>
                  <Button type="submit" loading={save.isPending}>
                    Save link
                  </Button>
                  <Button type="button" variant="soft" onClick={() => setPreviewed(null)}>
                    Cancel
                  </Button>
                </>
              ) : (
                <Button type="submit" loading={preview.isPending}>
                  Preview impact
                </Button>
              )}
            </Flex>
          </Flex>
        </form>
      </Card>
    </Flex>
  );
}
