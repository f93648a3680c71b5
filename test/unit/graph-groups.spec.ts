import { fetchTransitiveGroups, GraphSettings } from '../../src/sync/graph/graph-groups.client';
import { FakeGraph, startFakeGraph } from '../support/fake-graph';
import { configureOutbound } from '../../src/common/guarded-fetch';

const groups = Array.from({ length: 230 }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  displayName: `Group ${i}`,
}));

describe('fetchTransitiveGroups (Microsoft Graph overage resolution against a local Graph server)', () => {
  let graph: FakeGraph;
  const settings = (extra: Partial<GraphSettings> = {}): GraphSettings => ({
    directoryId: 'contoso-tenant',
    clientId: 'app-id',
    clientSecret: 'app-secret',
    tokenUrl: graph.tokenUrl,
    baseUrl: graph.url,
    timeoutMs: 500,
    ...extra,
  });
  afterEach(async () => graph?.close());
  // The fake Graph listens on loopback: allowed here as ALLOW_PRIVATE_NETWORK=true would.
  beforeEach(() => configureOutbound({ allowPrivateNetwork: true }));

  it('follows every @odata.nextLink and returns the complete list', async () => {
    graph = await startFakeGraph({
      clientId: 'app-id',
      clientSecret: 'app-secret',
      groupsByUser: { 'user-oid': groups },
      pageSize: 100,
    });
    const result = await fetchTransitiveGroups(settings(), 'user-oid');
    expect(result).toEqual({ complete: true, groups, pages: 3 });
    expect(graph.requests.filter((r) => r.startsWith('GET'))).toHaveLength(3);
  });

  it('reports incomplete when the token endpoint refuses the client', async () => {
    graph = await startFakeGraph({
      clientId: 'app-id',
      clientSecret: 'app-secret',
      groupsByUser: { 'user-oid': groups },
    });
    expect(await fetchTransitiveGroups(settings({ clientSecret: 'wrong' }), 'user-oid')).toEqual({
      complete: false,
      reason: 'Graph token endpoint answered 401',
    });
  });

  it('reports incomplete when a later page fails (403), never a partial list', async () => {
    graph = await startFakeGraph({
      clientId: 'app-id',
      clientSecret: 'app-secret',
      groupsByUser: { 'user-oid': groups },
      pageSize: 100,
      fail: { page: { number: 2, status: 403 } },
    });
    expect(await fetchTransitiveGroups(settings(), 'user-oid')).toEqual({
      complete: false,
      reason: 'Graph answered 403 on page 2',
    });
  });

  it('reports incomplete when Graph does not answer in time', async () => {
    graph = await startFakeGraph({
      clientId: 'app-id',
      clientSecret: 'app-secret',
      groupsByUser: { 'user-oid': groups },
      pageSize: 100,
      fail: { hangOnPage: 3 },
    });
    expect(await fetchTransitiveGroups(settings({ timeoutMs: 300 }), 'user-oid')).toEqual({
      complete: false,
      reason: 'Microsoft Graph could not be reached',
    });
  });

  it('reports incomplete past the page limit, for an unknown user, and for an unreachable Graph', async () => {
    graph = await startFakeGraph({
      clientId: 'app-id',
      clientSecret: 'app-secret',
      groupsByUser: { 'user-oid': groups },
      pageSize: 10,
    });
    expect(await fetchTransitiveGroups(settings({ maxPages: 5 }), 'user-oid')).toEqual({
      complete: false,
      reason: 'Graph paging stopped after 5 pages',
    });
    expect(await fetchTransitiveGroups(settings(), 'someone-else')).toEqual({
      complete: false,
      reason: 'Graph answered 404 on page 1',
      notFound: true,
    });
    const down = await fetchTransitiveGroups(settings({ tokenUrl: 'http://127.0.0.1:9/token' }), 'user-oid');
    expect(down).toEqual({ complete: false, reason: 'Microsoft Graph could not be reached' });
  });

  it('does not reach a Graph or token URL on a private address unless the operator allows it', async () => {
    graph = await startFakeGraph({
      clientId: 'app-id',
      clientSecret: 'app-secret',
      groupsByUser: { 'user-oid': groups },
    });
    configureOutbound({ allowPrivateNetwork: false });
    expect(await fetchTransitiveGroups(settings(), 'user-oid')).toEqual({
      complete: false,
      reason: 'Microsoft Graph could not be reached',
    });
    // A closed port reads the same as a refused address: the audit cannot map the network.
    expect(
      await fetchTransitiveGroups(settings({ tokenUrl: 'http://127.0.0.1:9/token' }), 'user-oid'),
    ).toEqual({
      complete: false,
      reason: 'Microsoft Graph could not be reached',
    });
    expect(graph.requests).toEqual([]);
  });

  it('does not send the Graph token to a next page on another server', async () => {
    const thief = await startFakeGraph({ clientId: 'x', clientSecret: 'y', groupsByUser: {} });
    graph = await startFakeGraph({
      clientId: 'app-id',
      clientSecret: 'app-secret',
      groupsByUser: { 'user-oid': groups },
      pageSize: 100,
      nextLinkBase: thief.url,
    });
    try {
      expect(await fetchTransitiveGroups(settings(), 'user-oid')).toEqual({
        complete: false,
        reason: 'Graph page 1 links to another server',
      });
      expect(thief.requests).toEqual([]);
    } finally {
      await thief.close();
    }
  });
});
