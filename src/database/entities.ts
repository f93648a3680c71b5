import { ApiKey } from '../auth/api-key.entity';
import { Session } from '../auth/session.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { RateLimitCounter } from '../common/rate-limit/rate-limit-counter.entity';
import { Job, JobBatch } from '../jobs/job.entity';
import { GroupLink } from '../group-links/group-link.entity';
import { Group } from '../groups/group.entity';
import { Membership } from '../groups/membership.entity';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { CustomRole } from '../roles/role.entity';
import { StagedRemoval, SyncRemovalCount } from '../removal-safety/staged-removal.entity';
import { ScimGroup, ScimGroupMember } from '../scim/scim-group.entity';
import { ScimToken } from '../scim/scim-token.entity';
import { ScimUser, ScimUserEmail } from '../scim/scim-user.entity';
import { SsoLoginState } from '../sso/sso-login-state.entity';
import { TestSignIn } from '../sso/test-sign-in/test-sign-in.entity';
import { ExternalMembership } from '../sync/external-membership.entity';
import { Tenant } from '../tenants/tenant.entity';
import { Identity } from '../users/identity.entity';
import { User } from '../users/user.entity';
import { Webhook, WebhookDelivery } from '../webhooks/webhook.entity';
import { SystemSetting } from './system-setting.entity';

export const ENTITIES = [
  Tenant,
  IdentityProvider,
  User,
  Identity,
  Group,
  Membership,
  GroupLink,
  ExternalMembership,
  AuditEvent,
  ApiKey,
  ScimToken,
  Session,
  SystemSetting,
  SsoLoginState,
  ScimUser,
  ScimUserEmail,
  ScimGroup,
  ScimGroupMember,
  RateLimitCounter,
  CustomRole,
  StagedRemoval,
  SyncRemovalCount,
  Job,
  JobBatch,
  TestSignIn,
  Webhook,
  WebhookDelivery,
];
