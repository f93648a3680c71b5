import { Button, Flex, Text } from '@radix-ui/themes';
import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { TestSignIn } from '../api/types';
import { ErrorCallout } from './ui';

/**
 * Starts a test sign-in through this IdP and sends the browser through it: the IdP's real sign-in,
 * then back to the result page. Nothing is written but an audit event (docs/admin-ui.md).
 */
export function TestSignInButton({ tenant, idp }: { tenant: string; idp: string }) {
  const start = useMutation({
    mutationFn: () =>
      unwrap<TestSignIn & { loginUrl: string }>(
        api.POST('/api/v1/tenants/{tenant}/identity-providers/{idp}/test-sign-in', {
          params: { path: { tenant, idp } },
          body: {},
        }),
      ),
    onSuccess: (test) => {
      const url = new URL(test.loginUrl);
      window.location.assign(`${url.pathname}${url.search}`);
    },
  });
  return (
    <Flex direction="column" gap="2">
      <Flex gap="3" align="center" wrap="wrap">
        <Button variant="soft" loading={start.isPending || start.isSuccess} onClick={() => start.mutate()}>
          Test sign-in
        </Button>
        <Text size="1" color="gray">
          Sign in through this IdP as anyone, as a dry run: see what it sends and what a real sign-in would
          change. The IdP asks for a password even if you are signed in there. Nothing is saved but an
          audit event.
        </Text>
      </Flex>
      <ErrorCallout error={start.error} title="Could not start the test" />
    </Flex>
  );
}
