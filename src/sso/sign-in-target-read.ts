import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { clientAddressKey } from '../common/rate-limit/client-address';
import { counterConflict } from '../common/rate-limit/rate-limit.store';
import type { RateLimiter, RateLimitRule, RateLimitVerdict } from '../common/rate-limit/rate-limiter';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { Tenant } from '../tenants/tenant.entity';

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
  // Per address always; per tenant when the target exists and is on.
  const hitsOf = (tenantId?: string) => [
    { rule: limits.perAddress, subject: clientAddressKey(address) },
    ...(tenantId ? [{ rule: limits.perTenant, subject: tenantId }] : []),
  ];
  if (!(limiter.inDatabase && dataSource.options.type === 'postgres')) {
    const target = targetOf(await query.getOne());
    return { target, over: (await limiter.hitAll(hitsOf(target?.tenant.id))).find((v) => !v.allowed) };
  }

  const now = Date.now();
  await limiter.purgeIfDue(now);
  // The tenant's counter key is the rule's prefix (the key of an empty subject) and the tenant's
  // id, which the statement finds; the verdicts below recompute the keys from the target.
  const [address$, tenant$] = limiter.windowsOf([...hitsOf(), { rule: limits.perTenant, subject: '' }], now);
  const [select, selectParameters] = query.getQueryAndParameters();
  const p = (i: number) => `$${selectParameters.length + i}`;
  // The target read once, as a CTE; the address row, and the tenant's row when the IdP is on,
  // sorted by key so two requests lock the counters in one order. One row answers always, the
  // target joined to the counts, so even a request naming nothing is judged on its own hit's count.
  const rows: (Record<string, unknown> & { hits: Record<string, number> })[] = await dataSource.query(
    `WITH "target" AS (${select}), "hits" AS (
      INSERT INTO "rate_limit_counters" AS c ("key", "windowStart", "count", "expiresAt")
      SELECT "key", "windowStart", 1, "expiresAt" FROM (
        SELECT CAST(${p(1)} AS varchar) AS "key", CAST(${p(2)} AS bigint) AS "windowStart",
          CAST(${p(3)} AS bigint) AS "expiresAt"
        UNION ALL
        SELECT ${p(4)} || "t_id", CAST(${p(5)} AS bigint), CAST(${p(6)} AS bigint) FROM "target" WHERE "i_enabled"
      ) "h" ORDER BY "key"
      ${counterConflict(true)})
    SELECT "target".*, (SELECT json_object_agg("key", "count") FROM "hits") AS "hits"
    FROM (SELECT 1) AS "one" LEFT JOIN "target" ON true`,
    [
      ...selectParameters,
      address$.key,
      address$.windowStart,
      address$.expiresAt,
      tenant$.key,
      tenant$.windowStart,
      tenant$.expiresAt,
    ],
  );
  const idp = hydrated(dataSource, IdentityProvider, 'i', rows[0]);
  if (idp) idp.tenant = hydrated(dataSource, Tenant, 't', rows[0]) ?? undefined;
  const target = targetOf(idp);
  const hits = hitsOf(target?.tenant.id);
  const windows = limiter.windowsOf(hits, now);
  const counts = windows.map((w) => Number(rows[0].hits[w.key] ?? 0));
  return { target, over: limiter.verdictsOf(hits, windows, counts, now).find((v) => !v.allowed) };
}

/**
 * An entity from a raw row whose columns are named as TypeORM's select names them (`alias_column`),
 * converted as TypeORM converts them; null when the row has none of it (an outer join's miss).
 */
function hydrated<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  alias: string,
  row: Record<string, unknown>,
): T | null {
  const metadata = dataSource.getMetadata(target);
  if (row[`${alias}_${metadata.primaryColumns[0].databaseName}`] == null) return null;
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    const key = `${alias}_${column.databaseName}`;
    if (key in row) column.setEntityValue(entity, dataSource.driver.prepareHydratedValue(row[key], column));
  }
  return entity;
}

function targetOf(idp: IdentityProvider | null): SignInTargetRead['target'] {
  const tenant = idp?.tenant;
  if (idp) delete idp.tenant;
  return tenant && idp?.enabled ? { tenant, idp } : null;
}
