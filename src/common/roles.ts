// Re-exported so feature modules do not reach into the engine folder for a plain list.
export { ROLES, roleRank } from '../sync/engine/roles';
export type { Role, MembershipSource } from '../sync/engine/types';
