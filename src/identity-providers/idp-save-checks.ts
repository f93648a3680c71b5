import type { IdentityProviderSettingsDto } from './dto/identity-provider.dto';
import type { IdpType } from './identity-provider.entity';
import { assertCertificates, assertDiscovery, assertHttps } from './idp-checks';

type Settings = Record<string, unknown>;

export interface SaveCheckOptions {
  /** AppConfig.development: plain http allowed (docs/saml.md, "Checked when saved"). */
  development: boolean;
  /** IDP_DISCOVERY_CHECK: read the OIDC discovery document when the issuer is saved. */
  discovery: boolean;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The checks a save runs on what it changes (`before` is the stored settings, `{}` on create), so
 * an IdP whose certificate is about to expire can still have its policy edited: certificate dates,
 * https outside development, and (network) the OIDC discovery document.
 */
export async function checkSavedSettings(
  type: IdpType,
  dto: IdentityProviderSettingsDto,
  config: Settings,
  before: Settings,
  options: SaveCheckOptions,
): Promise<void> {
  const changed = (key: string) => !same(config[key], before[key]);
  const fromMetadata = dto.idpMetadataUrl ? 'idpMetadataUrl' : 'metadataXml';
  const urls: [string, string | undefined, boolean][] = [];
  const url = (key: string) => (typeof config[key] === 'string' ? (config[key] as string) : undefined);
  if (type === 'saml') {
    if (changed('idpMetadataUrl')) urls.push(['idpMetadataUrl', url('idpMetadataUrl'), true]);
    if (changed('ssoUrl'))
      urls.push([
        dto.ssoUrl !== undefined ? 'ssoUrl' : `${fromMetadata} (SingleSignOnService)`,
        url('ssoUrl'),
        false,
      ]);
    if (changed('certificates') && Array.isArray(config.certificates))
      assertCertificates(
        config.certificates as string[],
        dto.certificates !== undefined ? 'certificates' : fromMetadata,
      );
  } else {
    for (const key of ['issuer', 'authorizationUrl', 'tokenUrl', 'userinfoUrl', 'jwksUrl'])
      if (changed(key)) urls.push([key, url(key), true]);
  }
  const graph = (config.graph ?? {}) as Settings;
  const graphBefore = (before.graph ?? {}) as Settings;
  for (const key of ['tokenUrl', 'baseUrl'])
    if (!same(graph[key], graphBefore[key]))
      urls.push([`graph.${key}`, graph[key] as string | undefined, true]);
  assertHttps(urls, options.development);
  if (type === 'oidc' && options.discovery && usesDiscovery(config) && changed('issuer'))
    await assertDiscovery(config.issuer as string);
}

/** A sign-in reads the endpoints from discovery unless all three are given explicitly. */
function usesDiscovery(config: Settings): boolean {
  return !!config.issuer && !(config.authorizationUrl && config.tokenUrl && config.jwksUrl);
}
