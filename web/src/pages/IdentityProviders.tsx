import {
  Badge,
  Button,
  Card,
  Checkbox,
  Flex,
  Heading,
  RadioGroup,
  Separator,
  Text,
  TextArea,
  TextField,
} from '@radix-ui/themes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link as RouterLink, useParams } from 'react-router';
import { api, ApiError, unwrap } from '../api/client';
import type { DeletePreview, IdentityProvider, Role } from '../api/types';
import { DeleteWithPreview } from '../components/DeleteWithPreview';
import { useRoleNames } from './Roles';
import { SyncPauseControl } from '../components/SyncPauseControl';
import { IdpHealth } from '../components/IdpHealth';
import { TestSignInButton } from '../components/TestSignInButton';
import { CopyField, EmptyState, ErrorCallout, Field, fieldErrors } from '../components/ui';
import { metadataProblems, splitList } from '../lib/metadata';
import { isMetadataUrl } from '../lib/idp-settings';

export const useIdentityProviders = (tenant: string) =>
  useQuery({
    queryKey: ['idps', tenant],
    queryFn: () =>
      unwrap<IdentityProvider[]>(
        api.GET('/api/v1/tenants/{tenant}/identity-providers', { params: { path: { tenant } } }),
      ),
  });

/** The workspace's SAML and OIDC connections: what to paste into the IdP, and adding new ones. */
export function IdentityProvidersPage() {
  const { tenant = '' } = useParams();
  const idps = useIdentityProviders(tenant);
  return (
    <Flex direction="column" gap="4">
      <Heading as="h2" size="4">
        Identity providers
      </Heading>
      <ErrorCallout error={idps.error} title="Could not load the identity providers" />
      {idps.data && idps.data.length === 0 ? (
        <EmptyState title="No identity provider connected yet">
          Add your IdP below: for Entra ID or Okta, create a SAML app there, paste its federation metadata
          here, then copy the reply URL and entity id shown back into the app.
        </EmptyState>
      ) : null}
      {idps.data?.map((idp) => (
        <IdpCard key={idp.id} idp={idp} tenant={tenant} />
      ))}
      <AddIdentityProvider tenant={tenant} />
    </Flex>
  );
}

function IdpCard({ idp, tenant }: { idp: IdentityProvider; tenant: string }) {
  const queryClient = useQueryClient();
  const path = { tenant, idp: idp.slug };
  return (
    <Card data-testid={`idp-${idp.slug}`}>
      <Flex direction="column" gap="3">
        <Flex gap="2" align="center" wrap="wrap">
          <Heading as="h3" size="3">
            {idp.name ?? idp.slug}
          </Heading>
          <Badge highContrast>{idp.type.toUpperCase()}</Badge>
          <Badge highContrast color={idp.enabled ? 'green' : 'gray'}>
            {idp.enabled ? 'enabled' : 'turned off'}
          </Badge>
          <Text size="1" color="gray">
            slug <code>{idp.slug}</code>
          </Text>
        </Flex>
        {idp.type === 'saml' ? (
          <Flex direction="column" gap="3">
            <CopyField
              label="Reply URL (Assertion Consumer Service URL)"
              hint="Entra ID: Basic SAML Configuration · Okta: Single sign-on URL"
              value={idp.acsUrl ?? ''}
            />
            <CopyField
              label="Identifier (Entity ID)"
              hint="Entra ID: Identifier (Entity ID) · Okta: Audience URI (SP Entity ID)"
              value={idp.spEntityId ?? ''}
            />
            <CopyField
              label="SP metadata URL"
              hint="For IdPs that import service provider metadata"
              value={idp.metadataUrl ?? ''}
            />
          </Flex>
        ) : (
          <CopyField
            label="Redirect URI"
            hint="Entra ID: Web redirect URI · Okta: Sign-in redirect URIs"
            value={idp.callbackUrl ?? ''}
          />
        )}
        <Separator size="4" />
        <CopyField
          label="Sign-in address for users"
          value={`${location.origin}${new URL(idp.loginUrl).pathname}`}
        />
        <Text size="1" color="gray">
          Groups from claim {idp.groupSync.claims.join(', ')} · removal policy {idp.groupSync.removal}
          {idp.groupSync.adminGroups.length ? ` · admin groups: ${idp.groupSync.adminGroups.join(', ')}` : ''}
        </Text>
        <IdpHealth idp={idp} tenant={tenant} />
        <Flex gap="3" align="center" wrap="wrap">
          <Button asChild variant="soft">
            <RouterLink to={idp.slug} aria-label={`Edit settings of ${idp.name ?? idp.slug}`}>
              Edit settings
            </RouterLink>
          </Button>
          <Text size="1" color="gray">
            Connection (
            {idp.type === 'saml' ? 'entity id, SSO URL, certificates' : 'issuer, client id and secret'}) and
            the whole group-sync policy.
          </Text>
        </Flex>
        <TestSignInButton tenant={tenant} idp={idp.slug} />
        <DeleteWithPreview
          what={`the identity provider ${idp.name ?? idp.slug}`}
          preview={() =>
            unwrap<DeletePreview>(
              api.DELETE('/api/v1/tenants/{tenant}/identity-providers/{idp}', {
                params: { path, query: { dryRun: 'true' } },
              }),
            )
          }
          remove={(force) =>
            unwrap(
              api.DELETE('/api/v1/tenants/{tenant}/identity-providers/{idp}', {
                params: { path, query: force ? { force: 'true' } : {} },
              }),
            )
          }
          onDeleted={() => void queryClient.invalidateQueries({ queryKey: ['idps', tenant] })}
        />
        <SyncPauseControl tenant={tenant} idp={idp.slug} paused={idp.syncPaused} />
      </Flex>
    </Card>
  );
}

const REMOVALS = [
  ['enforce', 'Remove members that no link justifies any more (GitLab self-managed).'],
  ['default-role', 'Keep them with the default role instead of removing them (GitLab.com).'],
  ['synced-only', 'Remove only memberships that sync added; manual ones stay (Grafana).'],
  ['never', 'Only add and re-role; never remove anyone (Keycloak import).'],
] as const;

interface PolicyForm {
  claims: string;
  adminGroups: string;
  removal: string;
  defaultRole: Role;
  prohibitSignup: boolean;
  /** Hours a removal waits (grace period); empty = 0. */
  graceHours: string;
}

/** Adding a SAML (pasted metadata) or OIDC connection, with the group-sync policy explained. */
function AddIdentityProvider({ tenant }: { tenant: string }) {
  const queryClient = useQueryClient();
  const roleNames = useRoleNames(tenant);
  const [type, setType] = useState<'saml' | 'oidc'>('saml');
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [metadataXml, setMetadataXml] = useState('');
  const [touched, setTouched] = useState(false);
  const [issuer, setIssuer] = useState('');
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const [pkce, setPkce] = useState(true);
  const [policy, setPolicy] = useState<PolicyForm>({
    claims: '',
    adminGroups: '',
    removal: 'enforce',
    defaultRole: 'guest',
    prohibitSignup: false,
    graceHours: '',
  });
  const localProblems = type === 'saml' && touched ? metadataProblems(metadataXml) : [];
  const create = useMutation({
    mutationFn: () => {
      const groupSync = {
        ...(splitList(policy.claims).length ? { claims: splitList(policy.claims) } : {}),
        adminGroups: splitList(policy.adminGroups),
        removal: policy.removal as 'enforce',
        defaultRole: policy.defaultRole,
        prohibitSignupIfNotInGroup: policy.prohibitSignup,
        // The API refuses what is not a whole number of hours from 0 to 8760, with its message.
        ...(policy.graceHours.trim() ? { removalGraceHours: Number(policy.graceHours) } : {}),
      };
      const common = { slug, ...(name ? { name } : {}), groupSync };
      const body =
        type === 'saml'
          ? {
              ...common,
              type,
              ...(isMetadataUrl(metadataXml) ? { idpMetadataUrl: metadataXml.trim() } : { metadataXml }),
            }
          : { ...common, type, issuer, clientId, ...(clientSecret ? { clientSecret } : {}), pkce };
      return unwrap<IdentityProvider>(
        api.POST('/api/v1/tenants/{tenant}/identity-providers', { params: { path: { tenant } }, body }),
      );
    },
    onSuccess: async () => {
      setSlug('');
      setName('');
      setMetadataXml('');
      setTouched(false);
      setClientSecret('');
      await queryClient.invalidateQueries({ queryKey: ['idps', tenant] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (type === 'saml' && metadataProblems(metadataXml).length > 0) return;
    create.mutate();
  };
  const serverMetadataError =
    create.error instanceof ApiError && create.error.code === 'invalid_metadata'
      ? [create.error.message]
      : [];
  const shownElsewhere =
    serverMetadataError.length > 0 ||
    ['slug', 'metadataXml', 'idpMetadataUrl', 'issuer', 'clientId'].some(
      (f) => fieldErrors(create.error, f).length > 0,
    );

  return (
    <Card>
      <form onSubmit={submit} aria-labelledby="add-idp">
        <Flex direction="column" gap="3">
          <Heading as="h3" size="3" id="add-idp">
            Add an identity provider
          </Heading>
          <RadioGroup.Root
            value={type}
            onValueChange={(v) => setType(v as 'saml' | 'oidc')}
            aria-label="Protocol"
          >
            <Flex gap="4" wrap="wrap">
              <RadioGroup.Item value="saml">SAML (Entra ID, Okta, ADFS)</RadioGroup.Item>
              <RadioGroup.Item value="oidc">OpenID Connect</RadioGroup.Item>
            </Flex>
          </RadioGroup.Root>
          <Flex gap="3" wrap="wrap">
            <Field
              id="idp-new-slug"
              label="Slug"
              hint="Short name used in sign-in addresses, e.g. entra"
              errors={fieldErrors(create.error, 'slug')}
            >
              <TextField.Root
                id="idp-new-slug"
                value={slug}
                onChange={(e) => setSlug(e.target.value)}
                required
              />
            </Field>
            <Field id="idp-new-name" label="Display name (optional)">
              <TextField.Root id="idp-new-name" value={name} onChange={(e) => setName(e.target.value)} />
            </Field>
          </Flex>
          {type === 'saml' ? (
            <Field
              id="idp-metadata"
              label="Federation metadata XML"
              hint='Entra ID: "Federation Metadata XML" in the SAML app · Okta: "Identity Provider metadata". Or its URL (Entra ID: "App Federation Metadata Url"): read now and again every hour, so certificate rotation needs nobody.'
              errors={[
                ...localProblems,
                ...serverMetadataError,
                ...fieldErrors(create.error, 'metadataXml'),
                ...fieldErrors(create.error, 'idpMetadataUrl'),
              ]}
            >
              <TextArea
                id="idp-metadata"
                rows={6}
                value={metadataXml}
                onChange={(e) => setMetadataXml(e.target.value)}
                onBlur={() => setTouched(true)}
                placeholder="<EntityDescriptor ...>"
                aria-invalid={localProblems.length > 0}
              />
            </Field>
          ) : (
            <Flex direction="column" gap="3">
              <Field
                id="idp-issuer"
                label="Issuer URL"
                hint="Its /.well-known/openid-configuration is read"
                errors={fieldErrors(create.error, 'issuer')}
              >
                <TextField.Root
                  id="idp-issuer"
                  value={issuer}
                  onChange={(e) => setIssuer(e.target.value)}
                  placeholder="https://login.example.com"
                />
              </Field>
              <Flex gap="3" wrap="wrap">
                <Field id="idp-client-id" label="Client id" errors={fieldErrors(create.error, 'clientId')}>
                  <TextField.Root
                    id="idp-client-id"
                    value={clientId}
                    onChange={(e) => setClientId(e.target.value)}
                  />
                </Field>
                <Field
                  id="idp-client-secret"
                  label="Client secret"
                  hint="Write-only: stored encrypted, never shown again"
                >
                  <TextField.Root
                    id="idp-client-secret"
                    type="password"
                    autoComplete="off"
                    value={clientSecret}
                    onChange={(e) => setClientSecret(e.target.value)}
                  />
                </Field>
              </Flex>
              <Text as="label" size="2">
                <Flex gap="2" align="center">
                  <Checkbox checked={pkce} onCheckedChange={(v) => setPkce(v === true)} /> Use PKCE
                  (recommended)
                </Flex>
              </Text>
            </Flex>
          )}
          <Heading as="h4" size="2" mt="2">
            Group sync
          </Heading>
          <Flex gap="3" wrap="wrap">
            <Field id="gs-claims" label="Group claim names" hint="Where the IdP sends groups; empty = groups">
              <TextField.Root
                id="gs-claims"
                value={policy.claims}
                onChange={(e) => setPolicy({ ...policy, claims: e.target.value })}
              />
            </Field>
            <Field
              id="gs-admins"
              label="Admin groups"
              hint="Members of these IdP groups administer this workspace"
            >
              <TextField.Root
                id="gs-admins"
                value={policy.adminGroups}
                onChange={(e) => setPolicy({ ...policy, adminGroups: e.target.value })}
              />
            </Field>
            <Field
              id="gs-default-role"
              label="Default role"
              hint="Used by name matching and the default-role policy"
            >
              <select
                id="gs-default-role"
                className="native-select"
                value={policy.defaultRole}
                onChange={(e) => setPolicy({ ...policy, defaultRole: e.target.value as Role })}
              >
                {roleNames.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </Field>
          </Flex>
          <Field
            id="gs-removal"
            label="When a link no longer justifies a membership"
            hint={REMOVALS.find(([v]) => v === policy.removal)?.[1]}
          >
            <select
              id="gs-removal"
              className="native-select"
              value={policy.removal}
              onChange={(e) => setPolicy({ ...policy, removal: e.target.value })}
            >
              {REMOVALS.map(([value]) => (
                <option key={value}>{value}</option>
              ))}
            </select>
          </Field>
          <Field
            id="gs-grace"
            label="Grace period before a removal (hours)"
            hint="0: at once. Otherwise the member stays, marked pending removal, and a sign-in that brings the group back cancels it."
          >
            <TextField.Root
              id="gs-grace"
              type="number"
              min={0}
              max={8760}
              placeholder="0"
              value={policy.graceHours}
              onChange={(e) => setPolicy({ ...policy, graceHours: e.target.value })}
            />
          </Field>
          <Text as="label" size="2">
            <Flex gap="2" align="center">
              <Checkbox
                checked={policy.prohibitSignup}
                onCheckedChange={(v) => setPolicy({ ...policy, prohibitSignup: v === true })}
              />
              Refuse sign-up of people in none of the linked groups
            </Flex>
          </Text>
          {create.error && !shownElsewhere ? <ErrorCallout error={create.error} title="Not saved" /> : null}
          <Flex>
            <Button type="submit" loading={create.isPending}>
              Add identity provider
            </Button>
          </Flex>
        </Flex>
      </form>
    </Card>
  );
}
