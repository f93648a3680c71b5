import { DropRedundantIndexes1796200017101 } from './1796200017101-DropRedundantIndexes';
import { AddWebhooks1796200016101 } from './1796200016101-AddWebhooks';
import { AddPatternLinks1796165575215 } from './1796165575215-AddPatternLinks';
import { AddMetadataRefresh1796200005001 } from './1796200005001-AddMetadataRefresh';
import { AddJobs1796200014001 } from './1796200014001-AddJobs';
import { AddTestSignIns1796164592925 } from './1796164592925-AddTestSignIns';
import { IndexSessionExpiry1796153521173 } from './1796153521173-IndexSessionExpiry';
import { AddLeavers1796200004001 } from './1796200004001-AddLeavers';
import { AddMembershipMarkers1796140000001 } from './1796140000001-AddMembershipMarkers';
import { AddCustomRoles1796153672062 } from './1796153672062-AddCustomRoles';
import { AddRemovalSafety1796153727372 } from './1796153727372-AddRemovalSafety';
import { StoreAccountLinkingDefaults1795440000001 } from './1795440000001-StoreAccountLinkingDefaults';
import { AddRateLimitCounters1796133647498 } from './1796133647498-AddRateLimitCounters';
import { AddSyncLookupIndexesAndBlockedBy1795430041369 } from './1795430041369-AddSyncLookupIndexesAndBlockedBy';
import { AddScimResources1795428472441 } from './1795428472441-AddScimResources';
import { AddTenantSyncVersion1795427687264 } from './1795427687264-AddTenantSyncVersion';
import { AddSsoLoginStates1795422758232 } from './1795422758232-AddSsoLoginStates';
import { Init1795419016659 } from './1795419016659-Init';

// Ordered: append new migrations at the end. Generate with `npm run migration:generate -- Name`.
export const SQLITE_MIGRATIONS: Function[] = [
  Init1795419016659,
  AddSsoLoginStates1795422758232,
  AddTenantSyncVersion1795427687264,
  AddScimResources1795428472441,
  AddSyncLookupIndexesAndBlockedBy1795430041369,
  StoreAccountLinkingDefaults1795440000001,
  AddRateLimitCounters1796133647498,
  AddMembershipMarkers1796140000001,
  IndexSessionExpiry1796153521173,
  AddCustomRoles1796153672062,
  AddRemovalSafety1796153727372,
  AddTestSignIns1796164592925,
  AddPatternLinks1796165575215,
  AddLeavers1796200004001,
  AddMetadataRefresh1796200005001,
  AddJobs1796200014001,
  AddWebhooks1796200016101,
  DropRedundantIndexes1796200017101,
];
