import { ApiError } from '../api/client';

/**
 * The service names the setting a refusal is about in two ways: validation_failed lists
 * `[{field, problems}]`, and the save-time checks (certificates, https, OIDC discovery, metadata)
 * give `details.field` with the error's message. Forms show each beside the input it names.
 */
interface FieldProblem {
  field: string;
  message: string;
}

export function serverProblems(error: unknown): FieldProblem[] {
  if (!(error instanceof ApiError)) return [];
  const details = error.details;
  if (Array.isArray(details))
    return details.flatMap((d: { field?: unknown; problems?: unknown }) =>
      typeof d?.field === 'string' && Array.isArray(d.problems)
        ? d.problems.map((p) => ({ field: d.field as string, message: String(p) }))
        : [],
    );
  if (details && typeof details === 'object') {
    const { field, fields } = details as { field?: unknown; fields?: unknown };
    if (typeof field === 'string') return [{ field, message: error.message }];
    if (Array.isArray(fields))
      return fields.filter((f) => typeof f === 'string').map((f) => ({ field: f, message: error.message }));
  }
  return [];
}

/** `certificates[0]`, `groupSync.claims.1`, `metadataXml (SingleSignOnService)` belong to their prefix. */
const belongsTo = (field: string, prefix: string) =>
  field === prefix || ['.', '[', ' '].some((sep) => field.startsWith(prefix + sep));

interface PlacedErrors {
  /** Messages by the form's own field key. */
  byField: Record<string, string[]>;
  /** What names no field of the form (or names none): shown once, above the save button. */
  rest: string[];
}

/**
 * Places the service's refusal on the form: `fields` maps each form key to the API field names
 * (prefixes) it shows. A refusal without a field, or naming one the form lacks, goes to `rest`.
 */
export function placeErrors(error: unknown, fields: Record<string, readonly string[]>): PlacedErrors {
  const byField: Record<string, string[]> = {};
  const rest: string[] = [];
  const problems = serverProblems(error);
  for (const p of problems) {
    const key = Object.keys(fields).find((k) => fields[k].some((prefix) => belongsTo(p.field, prefix)));
    if (key === undefined) rest.push(p.message);
    else if (!(byField[key] ??= []).includes(p.message)) byField[key].push(p.message);
  }
  if (error && problems.length === 0) rest.push(error instanceof Error ? error.message : String(error));
  return { byField, rest };
}
