import { Badge, Callout, Card, Flex, Heading, Link, Spinner, Table, Text } from '@radix-ui/themes';
import { useQuery } from '@tanstack/react-query';
import { Link as RouterLink, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import type { TestSignIn, TestSignInResult } from '../api/types';
import { ErrorCallout } from '../components/ui';
import { planHeadline, planLines } from '../lib/sign-in-result';

const COLORS = { add: 'green', role: 'amber', remove: 'red', kept: 'gray' } as const;

/** The result of a test sign-in: what the IdP sent, how it was read, and what a real sign-in would do. */
export function TestSignInPage() {
  const { tenant = '', idp = '', id = '' } = useParams();
  const test = useQuery({
    queryKey: ['test-sign-in', tenant, idp, id],
    queryFn: () =>
      unwrap<TestSignIn>(
        api.GET('/api/v1/tenants/{tenant}/identity-providers/{idp}/test-sign-ins/{id}', {
          params: { path: { tenant, idp, id } },
        }),
      ),
    // Until the IdP answered (the test may have been opened in another tab).
    refetchInterval: (q) => (q.state.data?.result ? false : 3000),
  });
  const result = test.data?.result;
  return (
    <Flex direction="column" gap="4" data-testid="test-sign-in">
      <Heading as="h2" size="4">
        Test sign-in through {idp}
      </Heading>
      <ErrorCallout
        error={test.error}
        title="Could not load the test sign-in (results are kept 15 minutes)"
      />
      {test.data && !result ? (
        <Flex gap="2" align="center">
          <Spinner aria-label="Waiting" />
          <Text>Waiting for the identity provider's answer ({test.data.status}).</Text>
        </Flex>
      ) : null}
      {test.data && result ? <Result test={test.data} result={result} /> : null}
      <Text size="1" color="gray">
        A dry run: nobody was created, signed in or changed; only an audit event (sso.test_sign_in) was
        written.{' '}
        <Link asChild>
          <RouterLink to={`/t/${tenant}/identity-providers`}>Back to the identity providers</RouterLink>
        </Link>
      </Text>
    </Flex>
  );
}

function Result({ test, result }: { test: TestSignIn; result: TestSignInResult }) {
  const plan = result.plan;
  return (
    <>
      <Callout.Root color={result.outcome === 'refused' ? 'red' : 'green'} role="status" highContrast>
        <Callout.Text>
          <strong>
            {result.outcome === 'refused'
              ? 'A real sign-in would be refused: '
              : 'A real sign-in would succeed. '}
          </strong>
          {result.refusal ? result.refusal.reason : plan ? planHeadline(plan) : ''}
          {result.refusal?.detail ? ` (${result.refusal.detail})` : ''}
        </Callout.Text>
      </Callout.Root>
      {result.identity ? (
        <Card>
          <dl className="facts">
            <dt>Person</dt>
            <dd>
              {result.identity.email}
              {result.identity.displayName ? ` (${result.identity.displayName})` : ''}
            </dd>
            <dt>IdP id</dt>
            <dd>
              <code>{result.identity.externalId}</code>
            </dd>
            <dt>Account here</dt>
            <dd>{result.account ? `${result.account.email} (${result.account.status})` : 'none yet'}</dd>
            <dt>Tested</dt>
            <dd>
              {new Date(test.completedAt ?? test.createdAt).toLocaleString()} by {test.startedBy}
            </dd>
          </dl>
        </Card>
      ) : null}
      {result.groups ? (
        <Card>
          <Heading as="h3" size="3" mb="2">
            Groups as the sync reads them ({result.groups.status}
            {result.groups.complete ? ', complete' : ', incomplete: nothing would be removed'})
          </Heading>
          <Flex gap="2" wrap="wrap" data-testid="normalized-groups">
            {result.groups.normalized.length === 0 ? <Text size="2">none</Text> : null}
            {result.groups.normalized.map((g) => (
              <Badge key={g} highContrast color="gray">
                {g}
              </Badge>
            ))}
          </Flex>
        </Card>
      ) : null}
      {result.matchedLinks ? <MatchedLinks links={result.matchedLinks} /> : null}
      {plan ? <PlanTable plan={plan} /> : null}
      {result.rawClaims ? (
        <details>
          <summary>Raw claims the IdP sent</summary>
          <pre data-testid="raw-claims">{JSON.stringify(result.rawClaims, null, 2)}</pre>
        </details>
      ) : null}
    </>
  );
}

function MatchedLinks({ links }: { links: NonNullable<TestSignInResult['matchedLinks']> }) {
  return (
    <div className="table-wrap">
      <Table.Root size="1" variant="surface" aria-label="Links that matched">
        <Table.Header>
          <Table.Row>
            <Table.ColumnHeaderCell>IdP group</Table.ColumnHeaderCell>
            <Table.ColumnHeaderCell>Group</Table.ColumnHeaderCell>
            <Table.ColumnHeaderCell>Role</Table.ColumnHeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {links.length === 0 ? (
            <Table.Row>
              <Table.Cell colSpan={3}>No link matched any of these groups.</Table.Cell>
            </Table.Row>
          ) : null}
          {links.map((l) => (
            <Table.Row key={l.linkId} data-testid="matched-link">
              <Table.RowHeaderCell>{l.externalGroup}</Table.RowHeaderCell>
              <Table.Cell>{l.groupName}</Table.Cell>
              <Table.Cell>
                {l.role}
                {l.idpScoped ? '' : ' (any IdP)'}
              </Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table.Root>
    </div>
  );
}

function PlanTable({ plan }: { plan: NonNullable<TestSignInResult['plan']> }) {
  const lines = planLines(plan);
  return (
    <div className="table-wrap">
      <Table.Root size="1" variant="surface" aria-label="What a real sign-in would change">
        <Table.Header>
          <Table.Row>
            <Table.ColumnHeaderCell>Group</Table.ColumnHeaderCell>
            <Table.ColumnHeaderCell>Change</Table.ColumnHeaderCell>
            <Table.ColumnHeaderCell>Why</Table.ColumnHeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {lines.length === 0 ? (
            <Table.Row>
              <Table.Cell colSpan={3}>No membership would change.</Table.Cell>
            </Table.Row>
          ) : null}
          {lines.map((line, i) => (
            <Table.Row key={i} data-testid="plan-line">
              <Table.RowHeaderCell>{line.group}</Table.RowHeaderCell>
              <Table.Cell>
                <Badge highContrast color={COLORS[line.kind]}>
                  {line.text}
                </Badge>
              </Table.Cell>
              <Table.Cell>
                <Text size="1">{line.reason}</Text>
              </Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table.Root>
    </div>
  );
}
