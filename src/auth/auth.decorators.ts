import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'groupsync:public';
export const OPERATOR_ONLY = 'groupsync:operator-only';

/** The route needs no credential (health, SSO, SCIM which checks its own token). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only the platform operator token may call this (creating and deleting tenants). */
export const OperatorOnly = () => SetMetadata(OPERATOR_ONLY, true);
