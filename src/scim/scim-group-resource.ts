// The SCIM Group resource: reading POST/PUT bodies and applying PATCH operations, pure (no database).
import { isUUID } from 'class-validator';
import { invalidValue, scimError } from './scim-error';
import type { PatchOperation } from './scim-patch-operations';

/** What a SCIM group says: its names and its members' user ids. */
export interface GroupState {
  displayName: string;
  externalId: string | null;
  members: Set<string>;
}

/** Whether the asked attributes include the members (a large list, read only when wanted). */
export function wantsMembers(attributes: string[] | null, excluded: string[] | null): boolean {
  if (attributes) return attributes.some((a) => a === 'members' || a.startsWith('members.'));
  return !excluded?.includes('members');
}

const lowerKeys = (obj: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(obj).map(([k, v]) => [k.toLowerCase(), v]));

/** Member ids from `[{value}]` (or bare strings, which some clients send). */
function memberIds(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((m, i) => {
    const id =
      typeof m === 'string'
        ? m
        : m && typeof m === 'object'
          ? lowerKeys(m as Record<string, unknown>).value
          : undefined;
    // the 8-4-4-4-12 form only, as the admin API's ParseUUIDPipe: 36 bare hex digits would reach
    // PostgreSQL's uuid columns and fail there with a 500
    if (typeof id !== 'string' || !isUUID(id)) throw invalidValue(`${where}[${i}].value must be a member id`);
    return id.toLowerCase();
  });
}

function stringOrNull(value: unknown, name: string, max = 512): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > max)
    throw invalidValue(`${name} must be a string of at most ${max} characters`);
  return value;
}

/** A Group resource from POST or PUT (members in the body are kept, as Okta sends them). */
export function groupInput(body: unknown, id: string | null): GroupState {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw scimError('invalidSyntax', 'the body must be a SCIM Group object');
  const b = lowerKeys(body as Record<string, unknown>);
  if (id && b.id !== undefined && String(b.id).toLowerCase() !== id)
    throw scimError('mutability', 'id cannot change');
  const displayName = stringOrNull(b.displayname, 'displayName')?.trim();
  if (!displayName) throw invalidValue('displayName is required');
  return {
    displayName,
    externalId: stringOrNull(b.externalid, 'externalId'),
    members: new Set(b.members === undefined || b.members === null ? [] : memberIds(b.members, 'members')),
  };
}

const MEMBER_FILTER = /^members\s*\[\s*value\s+eq\s+"([^"]+)"\s*\]$/i;

/** Applies one PATCH operation to a group's state (members, displayName, externalId). */
export function applyGroupOperation(state: GroupState, o: PatchOperation, groupId: string): void {
  const path = o.path?.replace(/^urn:ietf:params:scim:schemas:core:2\.0:group:/i, '') ?? null;
  if (path === null) {
    if (o.op === 'remove') throw scimError('noTarget', 'remove needs a path');
    if (!o.value || typeof o.value !== 'object' || Array.isArray(o.value))
      throw invalidValue(`${o.op} without a path needs an object value`);
    for (const [key, value] of Object.entries(o.value as Record<string, unknown>)) {
      if (key.toLowerCase() === 'id') {
        if (String(value).toLowerCase() !== groupId) throw scimError('mutability', 'id cannot change');
        continue;
      }
      applyGroupOperation(state, { op: o.op, path: key, value }, groupId);
    }
    return;
  }
  const filtered = MEMBER_FILTER.exec(path);
  const attribute = path.toLowerCase();
  if (filtered) {
    if (o.op !== 'remove')
      throw scimError(
        'invalidPath',
        `${o.op} on a filtered members path is not supported; use add with a value`,
      );
    state.members.delete(filtered[1].toLowerCase());
  } else if (attribute === 'members') {
    if (o.op === 'add') for (const id of memberIds(o.value, 'members')) state.members.add(id);
    else if (o.op === 'replace')
      state.members = new Set(o.value === null || o.value === undefined ? [] : memberIds(o.value, 'members'));
    else if (o.value === undefined || o.value === null) state.members.clear();
    else for (const id of memberIds(o.value, 'members')) state.members.delete(id);
  } else if (attribute === 'displayname') {
    if (o.op === 'remove') throw scimError('mutability', 'displayName is required');
    const name = stringOrNull(o.value, 'displayName')?.trim();
    if (!name) throw invalidValue('displayName must not be empty');
    state.displayName = name;
  } else if (attribute === 'externalid') {
    state.externalId = o.op === 'remove' ? null : stringOrNull(o.value, 'externalId');
  } else {
    throw scimError('invalidPath', `unsupported path "${o.path}" for a Group`);
  }
}
