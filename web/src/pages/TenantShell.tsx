import { Button, Callout, Card, Flex, Heading, Link, Spinner, Text, TextField } from '@radix-ui/themes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { NavLink, Outlet, Link as RouterLink, useNavigate, useParams } from 'react-router';
import { api, setCsrfToken, unwrap } from '../api/client';
import type { Tenant } from '../api/types';
import { useOperatorSession, useWorkspaceSession, workspaceSignInUrl } from '../auth';
import { ErrorCallout, Field } from '../components/ui';

/** Frame of a workspace's pages: who is signed in, navigation, sign-out. */
export function TenantShell() {
  const { tenant = '' } = useParams();
  const operator = useOperatorSession();
  const isOperator = !!operator.data;
  const me = useWorkspaceSession(tenant, operator.isSuccess && !isOperator);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  setCsrfToken(operator.data?.csrfToken ?? me.data?.csrfToken ?? null);
  const signedIn = isOperator || !!me.data?.user.isAdmin;
  const workspace = useQuery({
    queryKey: ['tenant', tenant],
    enabled: signedIn,
    queryFn: () => unwrap<Tenant>(api.GET('/api/v1/tenants/{tenant}', { params: { path: { tenant } } })),
  });
  const signOut = useMutation({
    mutationFn: async () => {
      if (isOperator) await unwrap(api.DELETE('/api/v1/operator-session'));
      else
        await fetch(`/sso/${encodeURIComponent(tenant)}/logout`, {
          method: 'POST',
          credentials: 'same-origin',
        });
    },
    onSettled: () => {
      setCsrfToken(null);
      queryClient.clear();
      navigate('/signin');
    },
  });

  if (operator.isPending || (!isOperator && me.isPending))
    return (
      <Flex justify="center" p="6">
        <Spinner size="3" aria-label="Loading" />
      </Flex>
    );
  if (!signedIn) return <WorkspaceSignIn tenant={tenant} notAdmin={!!me.data && !me.data.user.isAdmin} />;

  return (
    <div className="shell">
      <header className="topbar">
        <Flex direction="column">
          <Heading as="h1" size="5">
            {workspace.data?.name ?? tenant}
          </Heading>
          <Text size="1" color="gray">
            {isOperator ? (
              <>
                Platform operator ·{' '}
                <Link asChild>
                  <RouterLink to="/">all workspaces</RouterLink>
                </Link>
              </>
            ) : (
              <>
                Signed in as{' '}
                <Link asChild>
                  <RouterLink to="me">{me.data?.user.email}</RouterLink>
                </Link>
              </>
            )}
          </Text>
        </Flex>
        <nav className="nav" aria-label="Workspace">
          <NavLink to="overview">Overview</NavLink>
          <NavLink to="identity-providers">Identity providers</NavLink>
          <NavLink to="groups">Groups</NavLink>
          <NavLink to="users">Users</NavLink>
          <NavLink to="roles">Roles</NavLink>
          <NavLink to="scim-tokens">SCIM tokens</NavLink>
          <NavLink to="audit">Audit log</NavLink>
          <NavLink to="staged-removals">Staged removals</NavLink>
          <NavLink to="jobs">Jobs</NavLink>
          <NavLink to="webhooks">Webhooks</NavLink>
        </nav>
        <Button variant="soft" onClick={() => signOut.mutate()}>
          Sign out
        </Button>
      </header>
      <ErrorCallout error={workspace.error} title="Could not open this workspace" />
      <main>
        <Outlet />
      </main>
    </div>
  );
}

function WorkspaceSignIn({ tenant, notAdmin }: { tenant: string; notAdmin: boolean }) {
  const [idp, setIdp] = useState('');
  return (
    <main className="shell">
      <Card>
        <Flex direction="column" gap="3">
          <Heading as="h1" size="5">
            Sign in to {tenant}
          </Heading>
          {notAdmin ? (
            <Callout.Root color="amber" role="alert">
              <Callout.Text>
                You are signed in, but your account is not an administrator of this workspace. Ask an
                administrator to add you to one of the workspace's admin groups.
              </Callout.Text>
            </Callout.Root>
          ) : null}
          <Text as="p" size="2">
            Workspace administrators sign in through the workspace's identity provider. Type the sign-in
            method's name your administrator gave you.
          </Text>
          <Field id="idp-slug" label="Sign-in method (identity provider)">
            <TextField.Root id="idp-slug" value={idp} onChange={(e) => setIdp(e.target.value.trim())} />
          </Field>
          <Flex gap="3" wrap="wrap">
            {idp ? (
              <Button asChild>
                <a href={workspaceSignInUrl(tenant, idp, `/admin/t/${tenant}`)}>Sign in with {idp}</a>
              </Button>
            ) : (
              <Button disabled>Sign in</Button>
            )}
            <Button variant="soft" asChild>
              <RouterLink to="/signin">Platform operator sign-in</RouterLink>
            </Button>
          </Flex>
          <ErrorCallout error={null} />
        </Flex>
      </Card>
    </main>
  );
}
