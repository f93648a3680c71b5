import { Button, Flex, Heading, Text, TextArea, TextField } from '@radix-ui/themes';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import type { IdentityProvider } from '../api/types';
import { placeErrors } from '../lib/form-errors';
import {
  POLICY_FIELDS,
  policyForm,
  policyPatch,
  REMOVAL_POLICIES,
  type PolicyForm,
  type RemovalPolicy,
} from '../lib/idp-policy';
import { useRoleNames } from '../pages/Roles';
import { DefaultMembershipsField } from './DefaultMembershipsField';
import { CheckField, ErrorCallout, Field, SelectField } from './ui';

/**
 * The IdP's whole group-sync policy and its leaver rules (docs/sync.md), each setting explained in
 * one line; problems are named under their field, the service's own refusals included.
 */
export function IdpPolicyForm({ idp, tenant }: { idp: IdentityProvider; tenant: string }) {
  const queryClient = useQueryClient();
  const roles = useRoleNames(tenant);
  const [form, setForm] = useState<PolicyForm | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const shown = form ?? policyForm(idp);
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
  const placed = placeErrors(save.error, POLICY_FIELDS);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const result = policyPatch(shown);
    if ('errors' in result) return setLocal(result.errors);
    setLocal({});
    save.mutate(result.body);
  };
  const set = (patch: Partial<PolicyForm>) => setForm({ ...shown, ...patch });
  const id = (name: string) => `${idp.slug}-${name}`;
  const errors = (name: string) =>
    [local[name], ...(placed.byField[name] ?? [])].filter((e): e is string => !!e);
  const text = (name: keyof PolicyForm, label: string, hint: string, numeric = false) => (
    <Field id={id(name)} label={label} hint={hint} errors={errors(name)}>
      <TextField.Root
        id={id(name)}
        inputMode={numeric ? 'numeric' : undefined}
        placeholder={numeric ? 'off' : undefined}
        aria-describedby={`${id(name)}-hint`}
        value={shown[name] as string}
        onChange={(e) => set({ [name]: e.target.value } as Partial<PolicyForm>)}
      />
    </Field>
  );
  const list = (name: 'claims' | 'adminGroups', label: string, hint: string) => (
    <Field id={id(name)} label={label} hint={hint} errors={errors(name)}>
      <TextArea
        id={id(name)}
        rows={2}
        aria-describedby={`${id(name)}-hint`}
        value={shown[name]}
        onChange={(e) => set({ [name]: e.target.value } as Partial<PolicyForm>)}
      />
    </Field>
  );
  const check = (name: keyof PolicyForm, label: string, hint: string) => (
    <CheckField
      id={id(name)}
      label={label}
      hint={hint}
      checked={shown[name] as boolean}
      onChange={(v) => set({ [name]: v } as Partial<PolicyForm>)}
      errors={errors(name)}
    />
  );
  return (
    <form onSubmit={submit} aria-labelledby={id('policy-title')}>
      <Flex direction="column" gap="3">
        <Heading as="h3" size="3" id={id('policy-title')}>
          Group-sync policy
        </Heading>
        <Heading as="h4" size="2">
          Reading the groups
        </Heading>
        {check('enabled', 'Sync groups at sign-in', 'Off: sign-ins change no membership and no admin right.')}
        <div className="form-grid">
          {list('claims', 'Group claim names', 'Where the IdP sends groups, one a line; empty = groups.')}
          {text(
            'delimiter',
            'Split each value on',
            'For IdPs that send "a;b" in one value; empty = do not split.',
          )}
        </div>
        {check('ignoreCase', 'Ignore case', '"Developers" and "developers" are one group (links too).')}
        {check(
          'dnCommonName',
          'Use the CN of a DN',
          '"CN=dev,OU=groups,DC=acme" becomes "dev" (AD FS and LDAP-backed IdPs).',
        )}
        <div className="form-grid">
          <SelectField
            id={id('missingClaim')}
            label="When the group claim is absent"
            value={shown.missingClaim}
            options={[
              ['keep', 'Unknown: keep every membership (safe)'],
              ['empty', 'No groups: remove what links gave'],
            ]}
            onChange={(v) => set({ missingClaim: v as PolicyForm['missingClaim'] })}
            errors={errors('missingClaim')}
          />
          <SelectField
            id={id('overage')}
            label="When Entra ID sends too many groups"
            value={shown.overage}
            options={[
              ['keep', 'Incomplete: keep every membership'],
              ['graph', 'Ask Microsoft Graph for the full list'],
            ]}
            onChange={(v) => set({ overage: v as PolicyForm['overage'] })}
            errors={errors('overage')}
          />
        </div>
        <Heading as="h4" size="2">
          Who may sign in
        </Heading>
        {check('jit', 'Create accounts at first sign-in', 'Off: only people who already have an account.')}
        {check(
          'prohibitSignup',
          'Refuse sign-up outside linked groups',
          'A new person in none of the linked groups is refused (required groups).',
        )}
        {list(
          'adminGroups',
          'Admin groups',
          'Members of these IdP groups administer this workspace; one a line.',
        )}
        <Heading as="h4" size="2">
          Memberships
        </Heading>
        <div className="form-grid">
          <SelectField
            id={id('removal')}
            label="When no link justifies a membership any more"
            value={shown.removal}
            options={REMOVAL_POLICIES.map(([v]) => [v, v] as const)}
            hint={REMOVAL_POLICIES.find(([v]) => v === shown.removal)?.[1]}
            onChange={(v) => set({ removal: v as RemovalPolicy })}
            errors={errors('removal')}
          />
          <SelectField
            id={id('defaultRole')}
            label="Default role"
            value={shown.defaultRole}
            options={roles.map((r) => [r, r] as const)}
            hint="The role of name matching and of the default-role policy."
            onChange={(v) => set({ defaultRole: v })}
            errors={errors('defaultRole')}
          />
          {text(
            'graceHours',
            'Grace period before a removal (hours)',
            'Empty or 0: at once. Otherwise the member stays, marked pending removal, until then.',
            true,
          )}
        </div>
        {check(
          'matchByName',
          'Match groups by name',
          'An IdP group named like a group here joins it with the default role, without a link.',
        )}
        <DefaultMembershipsField
          id={id('defaults')}
          tenant={tenant}
          rows={shown.defaults}
          roles={roles}
          onChange={(defaults) => set({ defaults })}
          errors={errors('defaults')}
        />
        {check(
          'removeDefaultsOnMatch',
          'Remove the default memberships once the user matches a link',
          'Off: the defaults stay beside what the links give.',
        )}
        <Heading as="h4" size="2">
          Leavers
        </Heading>
        <div className="form-grid">
          {text(
            'graphRefreshHours',
            'Leavers: Graph refresh every (hours)',
            'Entra ID with Graph settings: re-read the groups of users not seen lately. Empty: off.',
            true,
          )}
          {text(
            'notSeenDays',
            'Not seen for (days)',
            'Who the Graph refresh reads: users without a sign-in or SCIM write for this long.',
            true,
          )}
          {text(
            'blockNotSeenDays',
            'Block users not seen for (days)',
            'Any IdP: block its users without a sign-in or SCIM write for this long. Empty: off.',
            true,
          )}
        </div>
        {placed.rest.length > 0 ? <ErrorCallout error={save.error} title="Not saved" /> : null}
        {Object.keys(local).length > 0 ? (
          <Text size="1" color="red" role="alert">
            Not saved: correct the fields marked above.
          </Text>
        ) : null}
        <Flex gap="2" align="center">
          <Button type="submit" loading={save.isPending}>
            Save group-sync policy
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
