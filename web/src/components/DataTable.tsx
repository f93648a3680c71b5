import { Table } from '@radix-ui/themes';
import type { ReactNode } from 'react';

/** A column title; `narrow: true` hides the column at phone width (the `hide-narrow` class). */
export type Column = string | { title: string; narrow: true };

/**
 * The admin UI's list table: a labelled, horizontally scrollable table whose header names the
 * columns, plus an unlabeled-looking "Actions" column (named for screen readers) when rows have
 * buttons. Rows are the children (`Table.Row`).
 */
export function DataTable({
  label,
  columns,
  actions = false,
  children,
}: {
  label: string;
  columns: Column[];
  actions?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <Table.Root variant="surface" aria-label={label}>
        <Table.Header>
          <Table.Row>
            {columns.map((c) =>
              typeof c === 'string' ? (
                <Table.ColumnHeaderCell key={c}>{c}</Table.ColumnHeaderCell>
              ) : (
                <Table.ColumnHeaderCell key={c.title} className="hide-narrow">
                  {c.title}
                </Table.ColumnHeaderCell>
              ),
            )}
            {actions ? (
              <Table.ColumnHeaderCell>
                <span className="sr-only">Actions</span>
              </Table.ColumnHeaderCell>
            ) : null}
          </Table.Row>
        </Table.Header>
        <Table.Body>{children}</Table.Body>
      </Table.Root>
    </div>
  );
}
