import type { DataSource } from 'typeorm';
import { clientAddressKey } from '../common/rate-limit/client-address';
import { counterConflict } from '../common/rate-limit/rate-limit.store';
import type { RateLimiter, RateLimitRule, RateLimitVerdict } from '../common/rate-limit/rate-limiter';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import type { Tenant } from '../tenants/tenant.entity';

export interface SignInLimits {
  perAddress: RateLimitRule;
  perTenant: RateLimitRule;
}

export interface SignInTargetRead {
  /** The tenant and its IdP, when both exist and the IdP is turned on. */
  target: { tenant: Tenant; idp: IdentityProvider } | null;
  /** The first limit this request went over, if any. */
  over: RateLimitVerdict | undefined;
}

/**
 * The tenant and IdP a sign-in route names (read on every step, never cached: a certificate removed
 * or an IdP turned off through any process applies to the next response on all of them), and, when
 * `limits` are given, one hit under each: per client address always, per tenant when the target
 * exists (an unknown address counts per address only). With counters in PostgreSQL it is one
 * statement (issue #14); otherwise the read, then the counters (one upsert or one Redis round trip).
 */
export async function readSignInTarget(
  dataSource: DataSource,
  limiter: RateLimiter,
  slugs: { tenant: string; idp: string },
  address: string | undefined,
  limits: SignInLimits | null,
): Promise<SignInTargetRead> {
  const query = dataSource
    .getRepository(IdentityProvider)
    .createQueryBuilder('i')
    .innerJoinAndSelect('i.tenant', 't')
    .where('t.slug = :tenant AND i.slug = :idp', slugs);
  if (!limits) return { target: targetOf(await query.getOne()), over: undefined };
  const byAddress = { rule: limits.perAddress, subject: clientAddressKey(address) };
  if (!(limiter.inDatabase && dataSource.options.type === 'postgres')) {
    const target = targetOf(await query.getOne());
    const hits = target ? [byAddress, { rule: limits.perTenant, subject: target.tenant.id }] : [byAddress];
    return { target, over: (await limiter.hitAll(hits)).find((v) => !v.allowed) };
  }

  const now = Date.now();
  await limiter.purgeIfDue(now);
  // The tenant's window is computed for a stand-in subject: only the key depends on the subject.
  const [address$, tenant$] = limiter.windowsOf([byAddress, { rule: limits.perTenant, subject: '' }], now);
  const tenantKeyPrefix = tenant$.key;
  // The address row, and the tenant's row when the IdP exists and is on; sorted by key so two
  // requests lock the counters in one order.
  query
    .addCommonTableExpression(
      `INSERT INTO "rate_limit_counters" AS c ("key", "windowStart", "count", "expiresAt")
      SELECT "key", "windowStart", 1, "expiresAt" FROM (
        SELECT CAST(:addressKey AS varchar) AS "key", CAST(:addressStart AS bigint) AS "windowStart",
          CAST(:addressExpires AS bigint) AS "expiresAt"
        UNION ALL
        SELECT :tenantKeyPrefix || "ht"."id", CAST(:tenantStart AS bigint), CAST(:tenantExpires AS bigint)
        FROM "identity_providers" "hi" INNER JOIN "tenants" "ht" ON "ht"."id" = "hi"."tenantId"
        WHERE "ht"."slug" = :tenant AND "hi"."slug" = :idp AND "hi"."enabled"
      ) "h" ORDER BY "key"
      ${counterConflict(true)}`,
      'hits',
    )
    .setParameters({
      addressKey: address$.key,
      addressStart: address$.windowStart,
      addressExpires: address$.expiresAt,
      tenantKeyPrefix,
      tenantStart: tenant$.windowStart,
      tenantExpires: tenant$.expiresAt,
    })
    .addSelect(`(SELECT json_object_agg("key", "count") FROM "hits")`, 'hits');
  const { entities, raw } = await query.getRawAndEntities<{ hits: Record<string, number> }>();
  const target = targetOf(entities[0] ?? null);
  // Nothing named: the statement answered no row, but counted the address; its count is read back.
  const counts = raw[0]?.hits ?? (await addressCount(dataSource, address$.key));
  const windows = target
    ? [address$, { ...tenant$, key: `${tenantKeyPrefix}${target.tenant.id}` }]
    : [address$];
  const hits = target ? [byAddress, { rule: limits.perTenant }] : [byAddress];
  const verdicts = limiter.verdictsOf(
    hits,
    windows,
    windows.map((w) => Number(counts[w.key] ?? 0)),
    now,
  );
  return { target, over: verdicts.find((v) => !v.allowed) };
}

function targetOf(idp: IdentityProvider | null): SignInTargetRead['target'] {
  const tenant = idp?.tenant;
  if (idp) delete idp.tenant;
  return tenant && idp?.enabled ? { tenant, idp } : null;
}

async function addressCount(dataSource: DataSource, key: string): Promise<Record<string, number>> {
  const rows: { count: number }[] = await dataSource.query(
    'SELECT "count" FROM "rate_limit_counters" WHERE "key" = $1',
    [key],
  );
  return { [key]: Number(rows[0]?.count ?? 0) };
}
