import { Button, Card, Flex, Heading, Link, Text, TextField } from '@radix-ui/themes';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import { workspaceSignInUrl } from '../auth';
import { ErrorCallout, Field } from '../components/ui';

/** Two doors: the platform operator's token, or a workspace's own identity provider. */
export function SignInPage() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [token, setToken] = useState('');
  const [workspace, setWorkspace] = useState('');
  const [idp, setIdp] = useState('');
  const signIn = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/operator-session', { body: { token: token.trim() } })),
    onSuccess: async () => {
      setToken('');
      await queryClient.invalidateQueries({ queryKey: ['operator-session'] });
      navigate('/');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate();
  };
  return (
    <main className="shell">
      <Heading as="h1" size="6" my="4">
        groupsync administration
      </Heading>
      <Flex gap="4" direction={{ initial: 'column', md: 'row' }}>
        <Card style={{ flex: 1 }}>
          <form onSubmit={submit} aria-labelledby="operator-heading">
            <Flex direction="column" gap="3">
              <Heading as="h2" size="4" id="operator-heading">
                Platform operator
              </Heading>
              <Text as="p" size="2" color="gray">
                Paste the operator token (ADMIN_TOKEN, or the one printed at the first start). It is exchanged
                for a browser session cookie and not kept in the page.
              </Text>
              <Field
                id="operator-token"
                label="Operator token"
                errors={signIn.error ? [signIn.error.message] : []}
              >
                <TextField.Root
                  id="operator-token"
                  type="password"
                  autoComplete="off"
                  value={token}
                  onChange={(e) => setToken(e.target.value)}
                  required
                />
              </Field>
              <Button type="submit" loading={signIn.isPending} disabled={!token.trim()}>
                Sign in
              </Button>
            </Flex>
          </form>
        </Card>
        <Card style={{ flex: 1 }}>
          <Flex direction="column" gap="3">
            <Heading as="h2" size="4">
              Workspace administrator
            </Heading>
            <Text as="p" size="2" color="gray">
              Sign in through your workspace's identity provider. Your administrator gave you the workspace
              and sign-in method names (for example <code>acme</code> and <code>entra</code>).
            </Text>
            <Field id="ws-slug" label="Workspace">
              <TextField.Root
                id="ws-slug"
                value={workspace}
                onChange={(e) => setWorkspace(e.target.value.trim())}
              />
            </Field>
            <Field id="ws-idp" label="Sign-in method (identity provider)">
              <TextField.Root id="ws-idp" value={idp} onChange={(e) => setIdp(e.target.value.trim())} />
            </Field>
            {workspace && idp ? (
              <Button asChild>
                <a href={workspaceSignInUrl(workspace, idp)}>Continue to {idp}</a>
              </Button>
            ) : (
              <Button disabled>Continue</Button>
            )}
          </Flex>
        </Card>
      </Flex>
      <ErrorCallout error={null} />
      <Text as="p" size="1" color="gray" mt="4">
        API reference: <Link href="/api/docs">/api/docs</Link>
      </Text>
    </main>
  );
}
