import { Button, Callout, Card, Checkbox, Flex, Heading, Text } from '@radix-ui/themes';
import { useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';

/** An error where it happened: the API's message, and the correlation id to quote to support. */
export function ErrorCallout({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const id = error instanceof ApiError ? error.correlationId : undefined;
  return (
    <Callout.Root color="red" role="alert" size="1">
      <Callout.Text>
        {title ? <strong>{title}: </strong> : null}
        {message}
        {id ? (
          <Text as="span" size="1" color="gray">
            {' '}
            (correlation id {id})
          </Text>
        ) : null}
      </Callout.Text>
    </Callout.Root>
  );
}

/** What to do next when a list is empty. */
export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card variant="surface" data-testid="empty-state">
      <Heading as="h3" size="3" mb="1">
        {title}
      </Heading>
      <Text as="p" size="2" color="gray">
        {children}
      </Text>
    </Card>
  );
}

export function Field({
  id,
  label,
  hint,
  errors,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  errors?: string[];
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? (
        <Text size="1" color="gray" id={`${id}-hint`}>
          {hint}
        </Text>
      ) : null}
      {errors?.map((e) => (
        <p key={e} className="field-error" id={`${id}-error`} role="alert">
          {e}
        </p>
      ))}
    </div>
  );
}

/** A value an admin pastes into their IdP, labelled as the IdP labels it, with a copy button. */
export function CopyField({ label, hint, value }: { label: string; hint?: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Flex direction="column" gap="1">
      <Text size="2" weight="medium">
        {label}
      </Text>
      {hint ? (
        <Text size="1" color="gray">
          {hint}
        </Text>
      ) : null}
      <Flex gap="2" align="center">
        <span className="mono" data-testid="copy-value">
          {value}
        </span>
        <Button
          type="button"
          size="1"
          variant="soft"
          aria-label={`Copy ${label}`}
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(
              () => {
                setCopied(true);
                setTimeout(() => setCopied(false), 1500);
              },
              () => setCopied(false),
            );
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </Flex>
    </Flex>
  );
}

export function fieldErrors(error: unknown, field: string): string[] {
  return error instanceof ApiError ? error.fieldProblems(field) : [];
}

/** A checkbox with its label, the one line saying what it does, and its errors. */
export function CheckField({
  id,
  label,
  hint,
  checked,
  onChange,
  errors,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  errors?: string[];
}) {
  return (
    <div className="field">
      <Text as="label" size="2" weight="medium">
        <Flex gap="2" align="center">
          <Checkbox
            id={id}
            checked={checked}
            onCheckedChange={(v) => onChange(v === true)}
            aria-describedby={hint ? `${id}-hint` : undefined}
          />
          {label}
        </Flex>
      </Text>
      {hint ? (
        <Text size="1" color="gray" id={`${id}-hint`}>
          {hint}
        </Text>
      ) : null}
      {errors?.map((e) => (
        <p key={e} className="field-error" role="alert">
          {e}
        </p>
      ))}
    </div>
  );
}

/** A native select (Radix Select injects styles the CSP refuses) with its label, hint and errors. */
export function SelectField({
  id,
  label,
  value,
  options,
  hint,
  onChange,
  errors,
}: {
  id: string;
  label: string;
  value: string;
  options: readonly (readonly [string, string])[];
  hint?: string;
  onChange: (value: string) => void;
  errors: string[];
}) {
  return (
    <Field id={id} label={label} hint={hint} errors={errors}>
      <select
        id={id}
        className="native-select"
        value={value}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange(e.target.value)}
      >
        {options.map(([v, words]) => (
          <option key={v} value={v}>
            {words}
          </option>
        ))}
      </select>
    </Field>
  );
}
