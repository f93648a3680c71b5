import { Button, Checkbox, Flex, Heading, Text, TextArea, TextField } from '@radix-ui/themes';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import type { IdentityProvider } from '../api/types';
import { policyForm, policyPatch, type PolicyForm } from '../lib/idp-settings';
import { useGroups } from '../pages/Groups';
import { ErrorCallout, Field, fieldErrors } from './ui';

/**
 * The IdP settings that had an API but no form: the grace period, default memberships and the
 * leaver rules (docs/sync.md sections 16, 18 and 19), each explained in one line.
 */
export function IdpPolicyForm({ idp, tenant }: { idp: IdentityProvider; tenant: string }) {
  const queryClient = useQueryClient();
  const groups = useGroups(tenant).data ?? [];
  const [form, setForm] = useState<PolicyForm | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const shown = form ?? policyForm(idp, groups);
  const id = (name: string) => `${idp.slug}-${name}`;
  const save = useMutation({
    mutationFn: (body: object) =>
      unwrap<IdentityProvider>(
        api.PATCH('/api/v1/tenants/{tenant}/identity-providers/{idp}', {
          params: { path: { tenant, idp: idp.slug } },
          body,
        }),
      ),
    onSuccess: async () => {
      setForm(null);
      await queryClient.invalidateQueries({ queryKey: ['idps', tenant] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const result = policyPatch(shown, groups);
    if ('errors' in result) return setLocal(result.errors);
    setLocal({});
    save.mutate(result.body);
  };
  const set = (patch: Partial<PolicyForm>) => setForm({ ...shown, ...patch });
  const errors = (name: string, server: string) =>
    [local[name], ...fieldErrors(save.error, server)].filter((e): e is string => !!e);
  const number = (name: keyof PolicyForm, label: string, hint: string, server: string) => (
    <Field id={id(name)} label={label} hint={hint} errors={errors(name, server)}>
      <TextField.Root
        id={id(name)}
        inputMode="numeric"
        placeholder="off"
        value={shown[name] as string}
        onChange={(e) => set({ [name]: e.target.value })}
      />
    </Field>
  );
  return (
    <form onSubmit={submit} aria-label={`Sync settings of ${idp.name || idp.slug}`}>
      <Flex direction="column" gap="2">
        <Heading as="h4" size="2">
          Sync settings
        </Heading>
        <Flex gap="3" wrap="wrap">
          {number(
            'graceHours',
            'Grace period before a removal (hours)',
            'Empty or 0: at once. Otherwise the member stays, marked pending removal, until then.',
            'groupSync.removalGraceHours',
          )}
        </Flex>
        <Field
          id={id('defaults')}
          label="Default memberships"
          hint='Given to users of this IdP whose groups match no link; one "group name = role" a line.'
          errors={errors('defaults', 'groupSync.defaultMemberships')}
        >
          <TextArea
            id={id('defaults')}
            rows={2}
            placeholder="Everyone = reporter"
            value={shown.defaults}
            onChange={(e) => set({ defaults: e.target.value })}
          />
        </Field>
        <Text as="label" size="2">
          <Flex gap="2" align="center">
            <Checkbox
              checked={shown.removeDefaultsOnMatch}
              onCheckedChange={(v) => set({ removeDefaultsOnMatch: v === true })}
            />
            Remove the default memberships once the user matches a link
          </Flex>
        </Text>
        <Flex gap="3" wrap="wrap">
          {number(
            'graphRefreshHours',
            'Leavers: Graph refresh every (hours)',
            'Entra ID with Graph settings: re-read the groups of users not seen lately. Empty: off.',
            'leavers.graphRefreshHours',
          )}
          {number(
            'notSeenDays',
            'Not seen for (days)',
            'Who the Graph refresh reads: users without a sign-in or SCIM write for this long.',
            'leavers.notSeenDays',
          )}
          {number(
            'blockNotSeenDays',
            'Block users not seen for (days)',
            'Any IdP: block its users without a sign-in or SCIM write for this long. Empty: off.',
            'leavers.blockNotSeenDays',
          )}
        </Flex>
        {save.error && !['leavers', 'groupSync'].some((f) => fieldErrors(save.error, f).length) ? (
          <ErrorCallout error={save.error} title="Not saved" />
        ) : null}
        <Flex gap="2" align="center">
          <Button type="submit" size="1" loading={save.isPending}>
            Save sync settings
          </Button>
          {save.isSuccess && !form ? (
            <Text size="1" color="green" role="status">
              Saved
            </Text>
          ) : null}
        </Flex>
      </Flex>
    </form>
  );
}
