import { Badge, Callout, Flex, Table, Text } from '@radix-ui/themes';
import type { LinkImpact } from '../api/types';
import { changeLines, impactHeadline, isDestructive } from '../lib/plan';

const COLORS = { add: 'green', role: 'amber', remove: 'red', kept: 'gray' } as const;

/** Who a link change would add, re-role and remove, shown before it is saved or deleted. */
export function ImpactPreview({ impact }: { impact: LinkImpact }) {
  const destructive = isDestructive(impact);
  return (
    <Flex direction="column" gap="2" data-testid="impact-preview">
      <Callout.Root color={destructive ? 'red' : 'blue'} size="1">
        <Callout.Text>
          <strong>Impact preview: </strong>
          {impactHeadline(impact)}
        </Callout.Text>
      </Callout.Root>
      <Flex gap="2" wrap="wrap" aria-label="Totals">
        <Badge highContrast color="green">
          {impact.totals.adds} added
        </Badge>
        <Badge highContrast color="amber">
          {impact.totals.roleChanges} re-roled
        </Badge>
        <Badge highContrast color="red">
          {impact.totals.removals} removed
        </Badge>
        <Badge highContrast color="gray">
          {impact.totals.kept} kept by a protection
        </Badge>
      </Flex>
      {impact.affected.length > 0 ? (
        <div className="table-wrap">
          <Table.Root size="1" variant="surface">
            <Table.Header>
              <Table.Row>
                <Table.ColumnHeaderCell>Person</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>Change</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>Why</Table.ColumnHeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {impact.affected.flatMap((user) =>
                changeLines(user).map((line, i) => (
                  <Table.Row key={`${user.userId}-${i}`}>
                    <Table.RowHeaderCell>{i === 0 ? user.email : ''}</Table.RowHeaderCell>
                    <Table.Cell>
                      <Badge highContrast color={COLORS[line.kind]}>
                        {line.text}
                      </Badge>
                    </Table.Cell>
                    <Table.Cell>
                      <Text size="1">{line.reason}</Text>
                    </Table.Cell>
                  </Table.Row>
                )),
              )}
            </Table.Body>
          </Table.Root>
        </div>
      ) : null}
      {impact.truncated ? (
        <Text size="1" color="gray">
          Only the first {impact.affected.length} people are listed; the totals count everyone.
        </Text>
      ) : null}
    </Flex>
  );
}
