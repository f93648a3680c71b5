import { Button, Flex, Text, TextArea, TextField } from '@radix-ui/themes';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { api, unwrap } from '../api/client';
import type { IdentityProvider } from '../api/types';
import { placeErrors } from '../lib/form-errors';
import { CheckField, ErrorCallout, Field } from './ui';

type Checked = { body: object } | { errors: Record<string, string> };

/**
 * What the IdP settings forms share: the edited values (the IdP's until the admin types), one PATCH,
 * and the problems by field: found in the browser first, then the service's placed by `fields`.
 */
export function useIdpForm<T extends object>(
  idp: IdentityProvider,
  tenant: string,
  initial: T,
  fields: Record<string, readonly string[]>,
  /** Of the input ids: two forms share the page. */
  prefix: string,
) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<T | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const shown = form ?? initial;
  const save = useMutation({
    mutationFn: (body: object) =>
      unwrap<IdentityProvider>(
        api.PATCH('/api/v1/tenants/{tenant}/identity-providers/{idp}', {
          params: { path: { tenant, idp: idp.slug } },
          body,
        }),
      ),
    onSuccess: async () => {
      // The saved values are shown once read back, not the stale ones in between.
      await queryClient.invalidateQueries({ queryKey: ['idps', tenant] });
      setForm(null);
    },
  });
  const placed = placeErrors(save.error, fields);
  return {
    shown,
    save,
    set: (patch: Partial<T>) => setForm({ ...shown, ...patch }),
    id: (name: string) => `${prefix}-${name}`,
    errors: (name: string) => [local[name], ...(placed.byField[name] ?? [])].filter((e): e is string => !!e),
    /** Sends the checked body; false (nothing sent) when the browser found problems. */
    send: (checked: Checked): boolean => {
      if ('errors' in checked) {
        setLocal(checked.errors);
        return false;
      }
      setLocal({});
      save.mutate(checked.body);
      return true;
    },
    footer: { error: save.error, rest: placed.rest.length > 0, local: Object.keys(local).length > 0 },
    saved: save.isSuccess && form === null,
  };
}

export type IdpForm<T extends object> = ReturnType<typeof useIdpForm<T>>;

interface InputOptions {
  rows?: number;
  placeholder?: string;
  type?: 'password';
  autoComplete?: string;
  inputMode?: 'numeric';
  className?: string;
}

/** A text input (a text area, given rows) with its label, one-line hint and errors. */
export function textInput<T extends object>(
  f: IdpForm<T>,
  name: keyof T & string,
  label: string,
  hint: ReactNode,
  more: InputOptions = {},
) {
  const { rows, ...rest } = more;
  const change = (value: string) => f.set({ [name]: value } as Partial<T>);
  const common = {
    id: f.id(name),
    'aria-describedby': `${f.id(name)}-hint`,
    value: f.shown[name] as string,
    ...rest,
  };
  return (
    <Field id={f.id(name)} label={label} hint={hint} errors={f.errors(name)}>
      {rows ? (
        <TextArea {...common} rows={rows} onChange={(e) => change(e.target.value)} />
      ) : (
        <TextField.Root {...common} onChange={(e) => change(e.target.value)} />
      )}
    </Field>
  );
}

/** A checkbox with its label, one-line hint and errors. */
export function checkInput<T extends object>(
  f: IdpForm<T>,
  name: keyof T & string,
  label: string,
  hint: string,
) {
  return (
    <CheckField
      id={f.id(name)}
      label={label}
      hint={hint}
      checked={f.shown[name] as boolean}
      onChange={(v) => f.set({ [name]: v } as Partial<T>)}
      errors={f.errors(name)}
    />
  );
}

/** The refusal that names no field, the reminder of fields to correct, the save button and "Saved". */
export function FormFooter<T extends object>({
  f,
  label,
  children,
}: {
  f: IdpForm<T>;
  label: string;
  children?: ReactNode;
}) {
  return (
    <>
      {f.footer.rest ? <ErrorCallout error={f.footer.error} title="Not saved" /> : null}
      {f.footer.local ? (
        <Text size="1" color="red" role="alert">
          Not saved: correct the fields marked above.
        </Text>
      ) : null}
      <Flex gap="2" align="center">
        <Button type="submit" loading={f.save.isPending}>
          {label}
        </Button>
        {children}
        {f.saved ? (
          <Text size="1" color="green" role="status">
            Saved
          </Text>
        ) : null}
      </Flex>
    </>
  );
}
