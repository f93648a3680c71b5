import { Flex, Heading, Text } from '@radix-ui/themes';
import { useState, type FormEvent } from 'react';
import type { IdentityProvider } from '../api/types';
import {
  CONNECTION_FIELDS,
  connectionForm,
  connectionPatch,
  TOKEN_AUTH_METHODS,
  type ConnectionForm,
} from '../lib/idp-connection';
import { GraphFields, GroupsFromField, ResponseLimitFields, SignInAccessFields } from './IdpAccessFields';
import { checkInput, FormFooter, textInput, useIdpForm, type IdpForm } from './IdpFormParts';
import { SelectField } from './ui';

type F = IdpForm<ConnectionForm>;

function SamlFields({ f, idp }: { f: F; idp: IdentityProvider }) {
  return (
    <>
      {textInput(
        f,
        'idpMetadataUrl',
        'Metadata URL',
        'Read when saved and again every hour, so a certificate rotation needs nobody. Empty: stop reading it.',
        { placeholder: 'https://login.example.com/federationmetadata.xml' },
      )}
      {textInput(
        f,
        'metadataXml',
        'Paste new federation metadata XML',
        idp.hasMetadataXml
          ? 'Blank keeps the settings below. Pasted metadata replaces the entity id, SSO URL and certificates.'
          : 'Optional: pasted metadata replaces the entity id, SSO URL and certificates below.',
        { rows: 3, placeholder: '<EntityDescriptor ...>' },
      )}
      <div className="form-grid">
        {textInput(
          f,
          'entityId',
          'IdP entity id',
          'The Issuer of its responses (Entra ID: Microsoft Entra Identifier).',
        )}
        {textInput(f, 'ssoUrl', 'SSO URL', 'Where browsers are sent to sign in (Entra ID: Login URL).')}
      </div>
      {textInput(
        f,
        'certificates',
        'Signing certificates (PEM)',
        'One or more, one after the other: during a rotation, the old and the new one.',
        { rows: 4, className: 'mono' },
      )}
      {checkInput(
        f,
        'wantResponseSigned',
        'Require the whole response to be signed',
        'The assertion must always be signed; this also requires the IdP to sign the Response around it.',
      )}
      {checkInput(
        f,
        'allowIdpInitiated',
        'Accept IdP-initiated sign-ins',
        "Sign-ins started from the IdP's app portal, without a request from here (less protected).",
      )}
      {textInput(
        f,
        'clockSkewSeconds',
        'Clock tolerance (seconds)',
        'Accepted clock difference; empty = 60.',
        {
          inputMode: 'numeric',
          placeholder: '60',
        },
      )}
      <ResponseLimitFields f={f} />
    </>
  );
}

function OidcFields({ f, idp }: { f: F; idp: IdentityProvider }) {
  return (
    <>
      {textInput(
        f,
        'issuer',
        'Issuer URL',
        'Its /.well-known/openid-configuration is read when the issuer changes.',
      )}
      <div className="form-grid">
        {textInput(f, 'authorizationUrl', 'Authorization endpoint', 'Empty: from discovery.')}
        {textInput(f, 'tokenUrl', 'Token endpoint', 'Empty: from discovery.')}
        {textInput(f, 'userinfoUrl', 'Userinfo endpoint', 'Empty: from discovery.')}
        {textInput(f, 'jwksUrl', 'JWKS URL', 'Empty: from discovery.')}
      </div>
      <div className="form-grid">
        {textInput(f, 'clientId', 'Client id', 'The application (client) id at the IdP.')}
        {textInput(
          f,
          'clientSecret',
          'Client secret',
          idp.hasClientSecret
            ? 'Write-only: a secret is stored. Leave blank to keep it; type a new one to replace it.'
            : 'Write-only: none is stored (a public client with PKCE). Type one to store it.',
          { type: 'password', autoComplete: 'new-password' },
        )}
      </div>
      <div className="form-grid">
        {textInput(
          f,
          'scopes',
          'Scopes',
          'Space-separated; openid is required, add groups if the IdP needs it.',
        )}
        <SelectField
          id={f.id('tokenAuthMethod')}
          label="Client authentication"
          value={f.shown.tokenAuthMethod}
          options={TOKEN_AUTH_METHODS.map((m) => [m, m] as const)}
          hint="How the secret is sent to the token endpoint (none: public client)."
          onChange={(v) => f.set({ tokenAuthMethod: v as ConnectionForm['tokenAuthMethod'] })}
          errors={f.errors('tokenAuthMethod')}
        />
      </div>
      {checkInput(
        f,
        'pkce',
        'Use PKCE',
        'Recommended; turn off only for an IdP that refuses the code challenge.',
      )}
      <GroupsFromField f={f} />
    </>
  );
}

/** Editing an IdP's SAML or OIDC settings: only what changed is sent; a blank secret keeps the secret. */
export function IdpConnectionForm({ idp, tenant }: { idp: IdentityProvider; tenant: string }) {
  const f = useIdpForm(idp, tenant, connectionForm(idp), CONNECTION_FIELDS, `${idp.slug}-conn`);
  const [unchanged, setUnchanged] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = connectionPatch(idp, f.shown);
    const empty = 'body' in checked && Object.keys(checked.body).length === 0;
    setUnchanged(empty);
    if (!empty) f.send(checked);
  };
  return (
    <form onSubmit={submit} aria-labelledby={f.id('title')}>
      <Flex direction="column" gap="3">
        <Heading as="h3" size="3" id={f.id('title')}>
          Connection
        </Heading>
        <div className="form-grid">
          {textInput(f, 'name', 'Display name', 'What admins and the sign-in page call this IdP.')}
        </div>
        {checkInput(
          f,
          'enabled',
          'Enabled',
          'Off: nobody can sign in through this IdP; its SCIM tokens keep working.',
        )}
        {idp.type === 'saml' ? <SamlFields f={f} idp={idp} /> : <OidcFields f={f} idp={idp} />}
        <Heading as="h4" size="2">
          Claim mapping
        </Heading>
        <div className="form-grid">
          {textInput(
            f,
            'claimExternalId',
            'External id from',
            `Empty: ${idp.type === 'saml' ? 'the NameID' : 'sub'}.`,
          )}
          {textInput(f, 'claimEmail', 'Email from', 'Empty: email.')}
          {textInput(f, 'claimDisplayName', 'Display name from', 'Empty: name.')}
        </div>
        <SignInAccessFields f={f} />
        <GraphFields f={f} idp={idp} />
        <FormFooter f={f} label="Save connection">
          {unchanged ? (
            <Text size="1" role="status">
              Nothing changed
            </Text>
          ) : null}
        </FormFooter>
      </Flex>
    </form>
  );
}
