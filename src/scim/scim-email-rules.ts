import type { EntityManager } from 'typeorm';
import { accountOwners, otherIdpsOf } from '../identity-providers/account-linking';
import {
  decideLink,
  emailDomain,
  emailVerification,
  isAllowedDomain,
  linkingSettingsOf,
  reservedDomainReason,
  reservingIdps,
} from '../sync/engine';
import type { User } from '../users/user.entity';
import { invalidValue, scimError } from './scim-error';
import type { ScimCaller } from './scim-tokens.service';
import { ScimUser } from './scim-user.entity';

// The rules on the emails a SCIM client gives users: which domains it may use, and which existing
// user (one with that email) it may adopt. The decisions are the engine's (account linking, reserved
// domains); this file reads what they need and words the refusals as SCIM errors.

/**
 * A SCIM client may adopt an existing user only when it does not manage them already (409), no
 * other SCIM client does (409), and account linking allows it: the IdP already holds the user (a
 * sign-in identity), or it allows linking and vouches for the email's domain (`verifiedDomains`;
 * a provisioning client's word on an email is not a verification).
 */
export async function refuseTakeover(
  em: EntityManager,
  caller: ScimCaller,
  owner: User,
  email: string,
  userName: string,
) {
  const tenantId = caller.tenant.id;
  const linked = await em.findOneBy(ScimUser, { tenantId, userId: owner.id });
  if (linked)
    throw scimError(
      'uniqueness',
      linked.idpId !== caller.idp.id
        ? `email ${email} belongs to a user another identity provider provisions`
        : linked.userNameKey === userName.toLowerCase()
          ? `userName "${userName}" is already taken` // a repeated POST, as Entra sends one
          : `email ${email} belongs to SCIM user "${linked.userName}"`,
    );
  const settings = linkingSettingsOf(caller.idp.config);
  const owners = await accountOwners(em, tenantId, owner.id, caller.idp.id);
  const decision = decideLink(caller.idp.name, settings, emailVerification(email, null, settings), owners);
  if (decision.allowed) return;
  const idp = `identity provider "${caller.idp.slug}"`;
  const because =
    decision.code === 'email_not_verified'
      ? `the domain of ${email} is not among the verifiedDomains of ${idp}`
      : settings.accountLinking === 'none'
        ? `${idp} may not link existing accounts (accountLinking is "none")`
        : `another identity provider holds that user and ${idp} may link only unowned accounts (accountLinking is "unowned")`;
  throw scimError(
    'uniqueness',
    `email ${email} belongs to an existing user of this workspace, and ${because}`,
  );
}

/**
 * `allowedDomains` bounds the emails a SCIM client may give users, as it bounds sign-ins (400).
 * A new email (a created user, or a changed address) in a domain another IdP of the tenant lists
 * in its `verifiedDomains` needs this IdP's own `verifiedDomains` to list it too (409): a SCIM
 * client's word is not a verification (docs/sync.md section 15).
 */
export async function refuseDomain(
  em: EntityManager,
  caller: ScimCaller,
  email: string,
  newEmail: boolean,
): Promise<void> {
  const settings = linkingSettingsOf(caller.idp.config);
  const domain = emailDomain(email);
  const idp = `identity provider "${caller.idp.slug}"`;
  if (!isAllowedDomain(email, settings))
    throw invalidValue(`the email domain ${domain} is not among the allowedDomains of ${idp}`);
  if (!newEmail) return;
  const others = caller.otherIdps > 0 ? await otherIdpsOf(em, caller.tenant.id, caller.idp.id) : [];
  if (reservingIdps(email, emailVerification(email, null, settings), others).length)
    throw scimError(
      'uniqueness',
      `${reservedDomainReason(domain)}; ${idp} may give users an email there only when ${domain} is among its own verifiedDomains`,
    );
}
