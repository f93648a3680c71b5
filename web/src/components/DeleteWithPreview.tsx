import { Button, Card, Flex, Heading, Text } from '@radix-ui/themes';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { DeletePreview } from '../api/types';
import { countLines, previewOfRefusal, rowText } from '../lib/delete-preview';
import { ErrorCallout } from './ui';

/**
 * A delete button that first asks the service what would go (?dryRun=true), shows it, and offers
 * "Delete anyway" (?force=true) when something is attached. A 409 at the real delete (something was
 * added meanwhile) shows the new list instead of failing.
 */
export function DeleteWithPreview({
  what,
  preview,
  remove,
  onDeleted,
}: {
  /** "the group Eng": what the heading and buttons name. */
  what: string;
  preview: () => Promise<DeletePreview>;
  remove: (force: boolean) => Promise<unknown>;
  onDeleted: () => void;
}) {
  const [shown, setShown] = useState<DeletePreview | null>(null);
  const ask = useMutation({ mutationFn: preview, onSuccess: setShown });
  const del = useMutation({
    mutationFn: (force: boolean) => remove(force),
    onSuccess: () => {
      setShown(null);
      onDeleted();
    },
    onError: (error) => {
      const fresh = previewOfRefusal(error);
      if (fresh) setShown(fresh);
    },
  });
  const refusedAgain = previewOfRefusal(del.error) !== null;
  if (!shown)
    return (
      <Flex direction="column" gap="2">
        <Button color="red" variant="soft" highContrast loading={ask.isPending} onClick={() => ask.mutate()}>
          Delete…
        </Button>
        <ErrorCallout error={ask.error} title="Could not preview the deletion" />
      </Flex>
    );
  const kinds = Object.entries(shown.items).filter(([, rows]) => rows.length > 0);
  return (
    <Card data-testid="delete-preview">
      <Flex direction="column" gap="3">
        <Heading as="h3" size="3">
          Delete {what}?
        </Heading>
        {shown.requiresForce ? (
          <>
            <Text size="2">
              {refusedAgain ? 'Something was added meanwhile. ' : ''}This also deletes:{' '}
              {countLines(shown.counts).join(', ')}.
            </Text>
            {kinds.map(([kind, rows]) => (
              <Text as="div" size="1" key={kind}>
                <strong>{countLines({ [kind]: shown.counts[kind] ?? rows.length })[0]}</strong>
                {': '}
                {rows.map(rowText).join(', ')}
                {(shown.counts[kind] ?? 0) > rows.length
                  ? ` and ${shown.counts[kind] - rows.length} more`
                  : ''}
              </Text>
            ))}
          </>
        ) : (
          <Text size="2">Nothing else is attached to it.</Text>
        )}
        {del.error && !refusedAgain ? <ErrorCallout error={del.error} title="Not deleted" /> : null}
        <Flex gap="2">
          <Button
            color="red"
            highContrast
            loading={del.isPending}
            onClick={() => del.mutate(shown.requiresForce)}
          >
            {shown.requiresForce ? 'Delete anyway' : 'Delete'}
          </Button>
          <Button variant="soft" onClick={() => setShown(null)}>
            Cancel
          </Button>
        </Flex>
      </Flex>
    </Card>
  );
}
