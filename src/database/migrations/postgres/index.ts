import { DropRedundantIndexes1796200017101 } from './1796200017101-DropRedundantIndexes';
import { AddWebhooks1796200016101 } from './1796200016101-AddWebhooks';
import { AddPatternLinks1796165645935 } from './1796165645935-AddPatternLinks';
import { AddMetadataRefresh1796200005001 } from './1796200005001-AddMetadataRefresh';
import { AddJobs1796200014001 } from './1796200014001-AddJobs';
import { AddTestSignIns1796164614891 } from './1796164614891-AddTestSignIns';
import { IndexSessionExpiry1796153527349 } from './1796153527349-IndexSessionExpiry';
import { AddLeavers1796200004002 } from './1796200004002-AddLeavers';
import { AddMembershipMarkers1796140000002 } from './1796140000002-AddMembershipMarkers';
import { AddCustomRoles1796153681605 } from './1796153681605-AddCustomRoles';
import { AddRemovalSafety1796153740670 } from './1796153740670-AddRemovalSafety';
import { StoreAccountLinkingDefaults1795440000002 } from './1795440000002-StoreAccountLinkingDefaults';
import { AddRateLimitCounters1796133652898 } from './1796133652898-AddRateLimitCounters';
import { AddSyncLookupIndexesAndBlockedBy1795430043868 } from './1795430043868-AddSyncLookupIndexesAndBlockedBy';
import { AddScimResources1795428476917 } from './1795428476917-AddScimResources';
import { AddTenantSyncVersion1795427689743 } from './1795427689743-AddTenantSyncVersion';
import { AddSsoLoginStates1795422761590 } from './1795422761590-AddSsoLoginStates';
import { Init1795419025182 } from './1795419025182-Init';

// Ordered: append new migrations at the end. Generate with `npm run migration:generate -- Name`.
export const POSTGRES_MIGRATIONS: Function[] = [
  Init1795419025182,
  AddSsoLoginStates1795422761590,
  AddTenantSyncVersion1795427689743,
  AddScimResources1795428476917,
  AddSyncLookupIndexesAndBlockedBy1795430043868,
  StoreAccountLinkingDefaults1795440000002,
  AddRateLimitCounters1796133652898,
  AddMembershipMarkers1796140000002,
  IndexSessionExpiry1796153527349,
  AddCustomRoles1796153681605,
  AddRemovalSafety1796153740670,
  AddTestSignIns1796164614891,
  AddPatternLinks1796165645935,
  AddLeavers1796200004002,
  AddMetadataRefresh1796200005001,
  AddJobs1796200014001,
  AddWebhooks1796200016101,
  DropRedundantIndexes1796200017101,
];
