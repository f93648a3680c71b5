import { Button, Flex, Text } from '@radix-ui/themes';
import type { Role } from '../api/types';
import type { DefaultRow } from '../lib/idp-policy';
import { useGroups } from '../pages/Groups';

/**
 * Default memberships: one line per group, a group picker and a role picker, given to users of
 * this IdP whose groups match no link (docs/sync.md section 19).
 */
export function DefaultMembershipsField({
  id,
  tenant,
  rows,
  roles,
  onChange,
  errors,
}: {
  id: string;
  tenant: string;
  rows: readonly DefaultRow[];
  roles: readonly Role[];
  onChange: (rows: DefaultRow[]) => void;
  errors: string[];
}) {
  const groups = useGroups(tenant).data ?? [];
  const known = new Set(groups.map((g) => g.id));
  const update = (i: number, patch: Partial<DefaultRow>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="fieldset" aria-describedby={`${id}-hint`}>
      <legend>Default memberships</legend>
      <Text size="1" color="gray" id={`${id}-hint`}>
        Given to users of this IdP whose groups match no link.
      </Text>
      <Flex direction="column" gap="2" mt="1" data-testid="default-memberships">
        {rows.map((row, i) => (
          <Flex key={i} gap="2" align="center" wrap="wrap">
            <select
              id={i === 0 ? id : undefined}
              className="native-select"
              aria-label={`Group of default membership ${i + 1}`}
              value={row.groupId}
              onChange={(e) => update(i, { groupId: e.target.value })}
            >
              <option value="">Pick a group…</option>
              {row.groupId && !known.has(row.groupId) ? (
                <option value={row.groupId}>{row.groupId} (not loaded)</option>
              ) : null}
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
            <select
              className="native-select"
              aria-label={`Role of default membership ${i + 1}`}
              value={row.role}
              onChange={(e) => update(i, { role: e.target.value })}
            >
              {roles.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
            <Button
              type="button"
              size="1"
              variant="soft"
              color="gray"
              aria-label={`Remove default membership ${i + 1}`}
              onClick={() => onChange(rows.filter((_, j) => j !== i))}
            >
              Remove
            </Button>
          </Flex>
        ))}
        <Flex>
          <Button
            type="button"
            size="1"
            variant="soft"
            onClick={() => onChange([...rows, { groupId: '', role: roles[0] ?? 'guest' }])}
          >
            Add a default membership
          </Button>
        </Flex>
      </Flex>
      {errors.map((e) => (
        <p key={e} className="field-error" role="alert">
          {e}
        </p>
      ))}
    </fieldset>
  );
}
