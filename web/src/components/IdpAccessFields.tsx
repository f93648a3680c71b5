import { Heading } from '@radix-ui/themes';
import type { IdentityProvider } from '../api/types';
import { ACCOUNT_LINKING, RESPONSE_LIMITS, type AccessForm } from '../lib/idp-access';
import { checkInput, textInput, type IdpForm } from './IdpFormParts';
import { SelectField } from './ui';

type F = IdpForm<AccessForm>;

const LINKING_WORDS: Record<AccessForm['accountLinking'], string> = {
  none: 'none: never take over an existing user',
  unowned: 'unowned: users no IdP holds',
  email: "email: also other IdPs' users",
};

/** SAML: the size and shape limits a posted response must meet before it is parsed. */
export function ResponseLimitFields({ f }: { f: F }) {
  const limit = (name: keyof typeof RESPONSE_LIMITS, label: string, what: string) => {
    const { min, max, default: byDefault } = RESPONSE_LIMITS[name];
    return textInput(f, name, label, `${what}, ${min} to ${max}; empty = ${byDefault}.`, {
      inputMode: 'numeric',
      placeholder: String(byDefault),
    });
  };
  return (
    <>
      <Heading as="h4" size="2">
        Response limits
      </Heading>
      <div className="form-grid">
        {limit('limitResponseBytes', 'Largest response (bytes)', 'Decoded size')}
        {limit('limitElements', 'Most elements', 'XML elements in one response')}
        {limit('limitAttributes', 'Most attributes on an element', 'Per element')}
        {limit('limitDepth', 'Deepest nesting', 'Element depth')}
      </div>
    </>
  );
}

/** OIDC: where the groups claim is read. */
export function GroupsFromField({ f }: { f: F }) {
  return textInput(
    f,
    'groupsFrom',
    'Read groups from',
    'Space-separated, in order (the first that has the claim wins): id_token, userinfo, access_token.',
  );
}

/** Who may sign in through this IdP, which existing users it may take over, and debug logging. */
export function SignInAccessFields({ f }: { f: F }) {
  return (
    <>
      <Heading as="h4" size="2">
        Who may sign in
      </Heading>
      <div className="form-grid">
        {textInput(
          f,
          'allowedDomains',
          'Allowed email domains',
          'One a line; only these may sign in, existing users included. Empty: any domain.',
          { rows: 3, placeholder: 'example.com' },
        )}
        {textInput(
          f,
          'verifiedDomains',
          'Verified email domains',
          'One a line: domains this IdP owns; its emails there count as verified for account linking.',
          { rows: 3, placeholder: 'example.com' },
        )}
      </div>
      <SelectField
        id={f.id('accountLinking')}
        label="Account linking"
        value={f.shown.accountLinking}
        options={ACCOUNT_LINKING.map((v) => [v, LINKING_WORDS[v]] as const)}
        hint="Which existing users (found by a verified email) a first sign-in here may take over."
        onChange={(v) => f.set({ accountLinking: v as AccessForm['accountLinking'] })}
        errors={f.errors('accountLinking')}
      />
      {checkInput(
        f,
        'debug',
        'Log sign-in details',
        'Logs the received claims and each sync decision at sign-in (secrets redacted).',
      )}
    </>
  );
}

function graphSecretHint(idp: IdentityProvider): string {
  if (idp.graph?.hasClientSecret)
    return 'Write-only: a secret is stored. Leave blank to keep it; type a new one to replace it.';
  return idp.type === 'oidc'
    ? 'Write-only: none is stored (the OIDC client secret is used). Type one to store it.'
    : 'Write-only: none is stored. Type one to store it (needed for SAML).';
}

/** Microsoft Graph: completes Entra ID's truncated group claims (policy: group overage "graph"). */
export function GraphFields({ f, idp }: { f: F; idp: IdentityProvider }) {
  return (
    <>
      <Heading as="h4" size="2">
        Microsoft Graph (Entra ID group overage)
      </Heading>
      <div className="form-grid">
        {textInput(
          f,
          'graphDirectoryId',
          'Graph directory id',
          'The Entra directory (tenant) id or domain; needed for any Graph setting.',
        )}
        {textInput(
          f,
          'graphClientId',
          'Graph application id',
          idp.type === 'oidc'
            ? 'The application (client) id of an app with GroupMember.Read.All. Empty: the OIDC client id.'
            : 'The application (client) id of an app with GroupMember.Read.All (needed for SAML).',
        )}
        {textInput(f, 'graphClientSecret', 'Graph application secret', graphSecretHint(idp), {
          type: 'password',
          autoComplete: 'new-password',
        })}
        {textInput(
          f,
          'graphTokenUrl',
          'Graph token URL',
          'Empty: https://login.microsoftonline.com/<directory>/oauth2/v2.0/token.',
        )}
        {textInput(f, 'graphBaseUrl', 'Graph API URL', 'Empty: https://graph.microsoft.com.')}
      </div>
    </>
  );
}
