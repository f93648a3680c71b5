import { Flex, Heading } from '@radix-ui/themes';
import type { FormEvent } from 'react';
import type { IdentityProvider, Role } from '../api/types';
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
import { checkInput, FormFooter, textInput, useIdpForm, type IdpForm } from './IdpFormParts';
import { SelectField } from './ui';

type F = IdpForm<PolicyForm>;
const numeric = { inputMode: 'numeric', placeholder: 'off' } as const;

function ReadingGroups({ f }: { f: F }) {
  return (
    <>
      <Heading as="h4" size="2">
        Reading the groups
      </Heading>
      {checkInput(
        f,
        'enabled',
        'Sync groups at sign-in',
        'Off: sign-ins change no membership and no admin right.',
      )}
      <div className="form-grid">
        {textInput(
          f,
          'claims',
          'Group claim names',
          'Where the IdP sends groups, one a line; empty = groups.',
          {
            rows: 2,
          },
        )}
        {textInput(
          f,
          'delimiter',
          'Split each value on',
          'For IdPs that send "a;b" in one value; empty = do not split.',
        )}
      </div>
      {checkInput(f, 'ignoreCase', 'Ignore case', '"Developers" and "developers" are one group (links too).')}
      {checkInput(
        f,
        'dnCommonName',
        'Use the CN of a DN',
        '"CN=dev,OU=groups,DC=acme" becomes "dev" (AD FS and LDAP-backed IdPs).',
      )}
      <div className="form-grid">
        <SelectField
          id={f.id('missingClaim')}
          label="When the group claim is absent"
          value={f.shown.missingClaim}
          options={[
            ['keep', 'Unknown: keep every membership (safe)'],
            ['empty', 'No groups: remove what links gave'],
          ]}
          onChange={(v) => f.set({ missingClaim: v as PolicyForm['missingClaim'] })}
          errors={f.errors('missingClaim')}
        />
        <SelectField
          id={f.id('overage')}
          label="When Entra ID sends too many groups"
          value={f.shown.overage}
          options={[
            ['keep', 'Incomplete: keep every membership'],
            ['graph', 'Ask Microsoft Graph for the full list'],
          ]}
          onChange={(v) => f.set({ overage: v as PolicyForm['overage'] })}
          errors={f.errors('overage')}
        />
      </div>
    </>
  );
}

function WhoSignsIn({ f }: { f: F }) {
  return (
    <>
      <Heading as="h4" size="2">
        Who may sign in
      </Heading>
      {checkInput(
        f,
        'jit',
        'Create accounts at first sign-in',
        'Off: only people who already have an account.',
      )}
      {checkInput(
        f,
        'prohibitSignup',
        'Refuse sign-up outside linked groups',
        'A new person in none of the linked groups is refused (required groups).',
      )}
      {textInput(
        f,
        'adminGroups',
        'Admin groups',
        'Members of these IdP groups administer this workspace; one a line.',
        {
          rows: 2,
        },
      )}
    </>
  );
}

function Memberships({ f, tenant, roles }: { f: F; tenant: string; roles: Role[] }) {
  return (
    <>
      <Heading as="h4" size="2">
        Memberships
      </Heading>
      <div className="form-grid">
        <SelectField
          id={f.id('removal')}
          label="When no link justifies a membership any more"
          value={f.shown.removal}
          options={REMOVAL_POLICIES.map(([v]) => [v, v] as const)}
          hint={REMOVAL_POLICIES.find(([v]) => v === f.shown.removal)?.[1]}
          onChange={(v) => f.set({ removal: v as RemovalPolicy })}
          errors={f.errors('removal')}
        />
        <SelectField
          id={f.id('defaultRole')}
          label="Default role"
          value={f.shown.defaultRole}
          options={roles.map((r) => [r, r] as const)}
          hint="The role of name matching and of the default-role policy."
          onChange={(v) => f.set({ defaultRole: v })}
          errors={f.errors('defaultRole')}
        />
        {textInput(
          f,
          'graceHours',
          'Grace period before a removal (hours)',
          'Empty or 0: at once. Otherwise the member stays, marked pending removal, until then.',
          numeric,
        )}
      </div>
      {checkInput(
        f,
        'matchByName',
        'Match groups by name',
        'An IdP group named like a group here joins it with the default role, without a link.',
      )}
      <DefaultMembershipsField
        id={f.id('defaults')}
        tenant={tenant}
        rows={f.shown.defaults}
        roles={roles}
        onChange={(defaults) => f.set({ defaults })}
        errors={f.errors('defaults')}
      />
      {checkInput(
        f,
        'removeDefaultsOnMatch',
        'Remove the default memberships once the user matches a link',
        'Off: the defaults stay beside what the links give.',
      )}
    </>
  );
}

function Leavers({ f }: { f: F }) {
  return (
    <>
      <Heading as="h4" size="2">
        Leavers
      </Heading>
      <div className="form-grid">
        {textInput(
          f,
          'graphRefreshHours',
          'Leavers: Graph refresh every (hours)',
          'Entra ID with Graph settings: re-read the groups of users not seen lately. Empty: off.',
          numeric,
        )}
        {textInput(
          f,
          'notSeenDays',
          'Not seen for (days)',
          'Who the Graph refresh reads: users without a sign-in or SCIM write for this long.',
          numeric,
        )}
        {textInput(
          f,
          'blockNotSeenDays',
          'Block users not seen for (days)',
          'Any IdP: block its users without a sign-in or SCIM write for this long. Empty: off.',
          numeric,
        )}
      </div>
    </>
  );
}

/**
 * The IdP's whole group-sync policy and its leaver rules (docs/sync.md), each setting explained in
 * one line; problems are named under their field, the service's own refusals included.
 */
export function IdpPolicyForm({ idp, tenant }: { idp: IdentityProvider; tenant: string }) {
  const roles = useRoleNames(tenant);
  const f = useIdpForm(idp, tenant, policyForm(idp), POLICY_FIELDS, idp.slug);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    f.send(policyPatch(f.shown));
  };
  return (
    <form onSubmit={submit} aria-labelledby={f.id('policy-title')}>
      <Flex direction="column" gap="3">
        <Heading as="h3" size="3" id={f.id('policy-title')}>
          Group-sync policy
        </Heading>
        <ReadingGroups f={f} />
        <WhoSignsIn f={f} />
        <Memberships f={f} tenant={tenant} roles={roles} />
        <Leavers f={f} />
        <FormFooter f={f} label="Save group-sync policy" />
      </Flex>
    </form>
  );
}
