import { Button, Flex, Heading, Text, TextArea, TextField } from '@radix-ui/themes';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, unwrap } from '../api/client';
import type { IdentityProvider } from '../api/types';
import { placeErrors } from '../lib/form-errors';
import {
  CONNECTION_FIELDS,
  connectionForm,
  connectionPatch,
  TOKEN_AUTH_METHODS,
  type ConnectionForm,
} from '../lib/idp-connection';
import { CheckField, ErrorCallout, Field, SelectField } from './ui';

type Setter = (patch: Partial<ConnectionForm>) => void;
type Errors = (name: string) => string[];
interface Parts {
  shown: ConnectionForm;
  set: Setter;
  errors: Errors;
  id: (name: string) => string;
}

interface InputOptions {
  rows?: number;
  placeholder?: string;
  type?: 'password';
  autoComplete?: string;
  inputMode?: 'numeric';
  className?: string;
}

/** One text input (or text area, given rows) of the form, with its label, one-line hint and errors. */
function input(
  p: Parts,
  name: keyof ConnectionForm,
  label: string,
  hint: ReactNode,
  more: InputOptions = {},
) {
  const { rows, ...rest } = more;
  const change = (value: string) => p.set({ [name]: value } as Partial<ConnectionForm>);
  const common = {
    id: p.id(name),
    'aria-describedby': `${p.id(name)}-hint`,
    value: p.shown[name] as string,
    ...rest,
  };
  return (
    <Field id={p.id(name)} label={label} hint={hint} errors={p.errors(name)}>
      {rows ? (
        <TextArea {...common} rows={rows} onChange={(e) => change(e.target.value)} />
      ) : (
        <TextField.Root {...common} onChange={(e) => change(e.target.value)} />
      )}
    </Field>
  );
}

function SamlFields({ p, idp }: { p: Parts; idp: IdentityProvider }) {
  return (
    <>
      {input(
        p,
        'idpMetadataUrl',
        'Metadata URL',
        'Read when saved and again every hour, so a certificate rotation needs nobody. Empty: stop reading it.',
        { placeholder: 'https://login.example.com/federationmetadata.xml' },
      )}
      {input(
        p,
        'metadataXml',
        'Paste new federation metadata XML',
        idp.hasMetadataXml
          ? 'Blank keeps the settings below. Pasted metadata replaces the entity id, SSO URL and certificates.'
          : 'Optional: pasted metadata replaces the entity id, SSO URL and certificates below.',
        { rows: 3, placeholder: '<EntityDescriptor ...>' },
      )}
      <div className="form-grid">
        {input(
          p,
          'entityId',
          'IdP entity id',
          'The Issuer of its responses (Entra ID: Microsoft Entra Identifier).',
        )}
        {input(p, 'ssoUrl', 'SSO URL', 'Where browsers are sent to sign in (Entra ID: Login URL).')}
      </div>
      {input(
        p,
        'certificates',
        'Signing certificates (PEM)',
        'One or more, one after the other: during a rotation, the old and the new one.',
        { rows: 4, className: 'mono' },
      )}
      <CheckField
        id={p.id('wantResponseSigned')}
        label="Require the whole response to be signed"
        hint="The assertion must always be signed; this also requires the IdP to sign the Response around it."
        checked={p.shown.wantResponseSigned}
        onChange={(v) => p.set({ wantResponseSigned: v })}
        errors={p.errors('wantResponseSigned')}
      />
      <CheckField
        id={p.id('allowIdpInitiated')}
        label="Accept IdP-initiated sign-ins"
        hint="Sign-ins started from the IdP's app portal, without a request from here (less protected)."
        checked={p.shown.allowIdpInitiated}
        onChange={(v) => p.set({ allowIdpInitiated: v })}
        errors={p.errors('allowIdpInitiated')}
      />
      {input(p, 'clockSkewSeconds', 'Clock tolerance (seconds)', 'Accepted clock difference; empty = 60.', {
        inputMode: 'numeric',
        placeholder: '60',
      })}
    </>
  );
}

function OidcFields({ p, idp }: { p: Parts; idp: IdentityProvider }) {
  return (
    <>
      {input(
        p,
        'issuer',
        'Issuer URL',
        'Its /.well-known/openid-configuration is read when the issuer changes.',
      )}
      <div className="form-grid">
        {input(p, 'authorizationUrl', 'Authorization endpoint', 'Empty: from discovery.')}
        {input(p, 'tokenUrl', 'Token endpoint', 'Empty: from discovery.')}
        {input(p, 'userinfoUrl', 'Userinfo endpoint', 'Empty: from discovery.')}
        {input(p, 'jwksUrl', 'JWKS URL', 'Empty: from discovery.')}
      </div>
      <div className="form-grid">
        {input(p, 'clientId', 'Client id', 'The application (client) id at the IdP.')}
        {input(
          p,
          'clientSecret',
          'Client secret',
          idp.hasClientSecret
            ? 'Write-only: a secret is stored. Leave blank to keep it; type a new one to replace it.'
            : 'Write-only: none is stored (a public client with PKCE). Type one to store it.',
          { type: 'password', autoComplete: 'new-password' },
        )}
      </div>
      <div className="form-grid">
        {input(p, 'scopes', 'Scopes', 'Space-separated; openid is required, add groups if the IdP needs it.')}
        <SelectField
          id={p.id('tokenAuthMethod')}
          label="Client authentication"
          value={p.shown.tokenAuthMethod}
          options={TOKEN_AUTH_METHODS.map((m) => [m, m] as const)}
          hint="How the secret is sent to the token endpoint (none: public client)."
          onChange={(v) => p.set({ tokenAuthMethod: v as ConnectionForm['tokenAuthMethod'] })}
          errors={p.errors('tokenAuthMethod')}
        />
      </div>
      <CheckField
        id={p.id('pkce')}
        label="Use PKCE"
        hint="Recommended; turn off only for an IdP that refuses the code challenge."
        checked={p.shown.pkce}
        onChange={(v) => p.set({ pkce: v })}
        errors={p.errors('pkce')}
      />
    </>
  );
}

/** Editing an IdP's SAML or OIDC settings: only what changed is sent; blank secret keeps the secret. */
export function IdpConnectionForm({ idp, tenant }: { idp: IdentityProvider; tenant: string }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<ConnectionForm | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [unchanged, setUnchanged] = useState(false);
  const shown = form ?? connectionForm(idp);
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
  const placed = placeErrors(save.error, CONNECTION_FIELDS);
  const p: Parts = {
    shown,
    set: (patch) => {
      setUnchanged(false);
      setForm({ ...shown, ...patch });
    },
    errors: (name) => [local[name], ...(placed.byField[name] ?? [])].filter((e): e is string => !!e),
    id: (name) => `${idp.slug}-conn-${name}`,
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const result = connectionPatch(idp, shown);
    if ('errors' in result) return setLocal(result.errors);
    setLocal({});
    if (Object.keys(result.body).length === 0) return setUnchanged(true);
    save.mutate(result.body);
  };
  return (
    <form onSubmit={submit} aria-labelledby={p.id('title')}>
      <Flex direction="column" gap="3">
        <Heading as="h3" size="3" id={p.id('title')}>
          Connection
        </Heading>
        <div className="form-grid">
          {input(p, 'name', 'Display name', 'What admins and the sign-in page call this IdP.')}
        </div>
        <CheckField
          id={p.id('enabled')}
          label="Enabled"
          hint="Off: nobody can sign in through this IdP; its SCIM tokens keep working."
          checked={shown.enabled}
          onChange={(v) => p.set({ enabled: v })}
          errors={p.errors('enabled')}
        />
        {idp.type === 'saml' ? <SamlFields p={p} idp={idp} /> : <OidcFields p={p} idp={idp} />}
        <Heading as="h4" size="2">
          Claim mapping
        </Heading>
        <div className="form-grid">
          {input(
            p,
            'claimExternalId',
            'External id from',
            `Empty: ${idp.type === 'saml' ? 'the NameID' : 'sub'}.`,
          )}
          {input(p, 'claimEmail', 'Email from', 'Empty: email.')}
          {input(p, 'claimDisplayName', 'Display name from', 'Empty: name.')}
        </div>
        {placed.rest.length > 0 ? <ErrorCallout error={save.error} title="Not saved" /> : null}
        {Object.keys(local).length > 0 ? (
          <Text size="1" color="red" role="alert">
            Not saved: correct the fields marked above.
          </Text>
        ) : null}
        <Flex gap="2" align="center">
          <Button type="submit" loading={save.isPending}>
            Save connection
          </Button>
          {unchanged ? (
            <Text size="1" role="status">
              Nothing changed
            </Text>
          ) : null}
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
