import type { Compare, Filter } from 'scim2-parse-filter';
import { MAX_NESTING, Operand, parseFilter, ScimFilterError } from './scim-filter-parse';

/**
 * Compiles a SCIM 2.0 filter (RFC 7644 §3.4.2.2) into a SQL WHERE fragment with TypeORM named
 * parameters. scim-filter-parse.ts reads the filter into a tree; this file turns the tree into SQL.
 */

export { ScimFilterError };

export type Dialect = 'sqlite' | 'postgres';

interface FilterColumn {
  /** SQL expression of the column, already quoted, e.g. `u."userNameKey"` */
  sql: string;
  /** `uuid`: a string column PostgreSQL types as uuid, so a non-UUID operand must never reach it. */
  type: 'string' | 'boolean' | 'datetime' | 'uuid';
  /** false: the column stores lower-cased text, so the operand is lower-cased in JS before comparing (keeps indexes usable). true: compare as is, case-sensitively. */
  caseExact: boolean;
}

interface MultiValuedAttribute {
  /** e.g. `"scim_user_emails"` */
  table: string;
  /** alias used inside the subquery, e.g. `e` */
  alias: string;
  /** the outer row's key, e.g. `u."id"` (never NULL) */
  outerKey: string;
  /** the column of `table` pointing at the outer key, e.g. `e."scimUserId"` (NOT NULL) */
  innerKey: string;
  /** sub-attributes by lower-cased name, e.g. { value: {...}, type: {...}, primary: {...} } */
  subAttributes: Record<string, FilterColumn>;
}

export interface FilterSchema {
  /** Schema URNs whose prefix `<urn>:` may precede attribute names; compare case-insensitively. */
  schemaUrns: string[];
  /** Single-valued attributes by lower-cased path, e.g. 'username', 'name.givenname', 'meta.lastmodified', 'active', 'externalid', 'id', 'employeenumber' (an extension attribute after stripping its URN) */
  attributes: Record<string, FilterColumn>;
  /** Multi-valued complex attributes by lower-cased name, e.g. 'emails', 'members' */
  multiValued: Record<string, MultiValuedAttribute>;
}

export interface CompiledFilter {
  sql: string;
  params: Record<string, unknown>;
}

const MAX_COMPARISONS = 50;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

type Operator = Compare['op'] | 'pr';
type OrderOperator = Exclude<Compare['op'], 'co' | 'sw' | 'ew'>;

/** Throws ScimFilterError for anything it cannot compile (syntax, unknown attribute, wrong value type, too long/deep). */
export function compileFilter(
  filter: string,
  schema: FilterSchema,
  dialect: Dialect,
  formatDate: (d: Date) => unknown,
): CompiledFilter {
  const { tree, literals } = parseFilter(filter);
  const compiler = new FilterCompiler(schema, dialect, formatDate, literals);
  const sql = compiler.compile(tree, 0);
  return { sql, params: compiler.params };
}

/** An attribute reached from the top level: a column of the row, or conditions on a multi-valued table. */
type Target = { column: FilterColumn } | { multiValued: MultiValuedAttribute; subAttribute?: FilterColumn };

/** A multi-valued attribute whose value filter is being compiled. */
interface Element {
  attribute: MultiValuedAttribute;
  path: string;
}

class FilterCompiler {
  readonly params: Record<string, unknown> = {};
  private comparisons = 0;

  constructor(
    private readonly schema: FilterSchema,
    private readonly dialect: Dialect,
    private readonly formatDate: (d: Date) => unknown,
    private readonly literals: Operand[],
  ) {}

  /** Every fragment it returns is parenthesized or an IN subquery and never evaluates to NULL, so NOT is safe. */
  compile(node: Filter, depth: number, element?: Element): string {
    if (depth > MAX_NESTING) throw new ScimFilterError('the filter is nested too deeply');
    switch (node.op) {
      case 'and':
      case 'or': {
        const parts = node.filters.map((f) => this.compile(f, depth + 1, element));
        return `(${parts.join(` ${node.op.toUpperCase()} `)})`;
      }
      case 'not':
        return `(NOT ${this.compile(node.filter, depth + 1, element)})`;
      case '[]':
        if (element) throw new ScimFilterError(`value filters cannot be nested ("${element.path}[...]")`);
        return this.valuePath(node.attrPath, node.valFilter, depth);
      // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent: without this case a `pr` node takes the default branch, where operand(undefined) is undefined and `pr` never reads its operand
      case 'pr':
        return this.comparison(node.attrPath, 'pr', null, element);
      default:
        return this.comparison(node.attrPath, node.op, this.operand(node.compValue), element);
    }
  }

  private valuePath(path: string, valFilter: Filter, depth: number): string {
    const name = this.unqualified(path);
    const attribute = own(this.schema.multiValued, name);
    if (!attribute) {
      if (own(this.schema.attributes, name)) {
        throw new ScimFilterError(`"${path}" is not multi-valued, so it cannot have a value filter`);
      }
      throw unknownAttribute(path);
    }
    return exists(attribute, this.compile(valFilter, depth + 1, { attribute, path }));
  }

  private comparison(path: string, op: Operator, operand: Operand, element?: Element): string {
    if (++this.comparisons > MAX_COMPARISONS) {
      throw new ScimFilterError(`the filter has more than ${MAX_COMPARISONS} comparisons`);
    }
    if (element) {
      const column = own(element.attribute.subAttributes, path.toLowerCase());
      if (!column) throw unknownAttribute(`${element.path}.${path}`);
      return this.condition(column, op, operand, `${element.path}.${path}`);
    }
    const target = this.resolve(path);
    if ('column' in target) return this.condition(target.column, op, operand, path);
    const { multiValued, subAttribute } = target;
    if (!subAttribute && op === 'pr') return exists(multiValued);
    // `emails eq "x"` compares the element's `value`
    const column = subAttribute ?? own(multiValued.subAttributes, 'value');
    if (!column) throw new ScimFilterError(`"${path}" can only be compared through a sub-attribute`);
    return exists(multiValued, this.condition(column, op, operand, path));
  }

  private resolve(path: string): Target {
    const name = this.unqualified(path);
    const column = own(this.schema.attributes, name);
    if (column) return { column };
    const multiValued = own(this.schema.multiValued, name);
    if (multiValued) return { multiValued };
    const dot = name.indexOf('.');
    // A name without a dot (or with one in front) would name as parent "" or itself less its last letter:
    // Stryker disable next-line ConditionalExpression,EqualityOperator: no schema here has such a multi-valued attribute
    const parent = dot > 0 ? own(this.schema.multiValued, name.slice(0, dot)) : undefined;
    const subAttribute = parent && own(parent.subAttributes, name.slice(dot + 1));
    if (parent && subAttribute) return { multiValued: parent, subAttribute };
    throw unknownAttribute(path);
  }

  /** Lower-cases the path and strips a leading URN of one of the resource's schemas. */
  private unqualified(path: string): string {
    const lower = path.toLowerCase();
    const urn = this.schema.schemaUrns
      .map((u) => `${u.toLowerCase()}:`)
      .filter((prefix) => lower.startsWith(prefix))
      .sort((a, b) => b.length - a.length)[0];
    return urn ? lower.slice(urn.length) : lower;
  }

  private operand(compValue: Operand): Operand {
    // Every string the parser returns is one of our placeholders; numbers never reach it.
    if (typeof compValue !== 'string') return compValue;
    const index = Number(compValue);
    // Stryker disable all: a defence no filter reaches. render() (scim-filter-parse.ts) writes every
    // literal as the quoted index of an existing one, and any other text fails to parse.
    if (!Number.isInteger(index) || index < 0 || index >= this.literals.length) {
      throw new ScimFilterError('the filter is not valid SCIM: a value is misplaced');
    }
    // Stryker restore all
    return this.literals[index];
  }

  private condition(column: FilterColumn, op: Operator, operand: Operand, path: string): string {
    const col = column.sql;
    if (op === 'pr') {
      return column.type === 'string' ? `(${col} IS NOT NULL AND ${col} <> '')` : `(${col} IS NOT NULL)`;
    }
    if (operand === null) {
      if (op === 'eq') return `(${col} IS NULL)`;
      if (op === 'ne') return `(${col} IS NOT NULL)`;
      throw new ScimFilterError(`"${path}" cannot be compared with null using "${op}"`);
    }
    switch (column.type) {
      case 'boolean': {
        if (op !== 'eq' && op !== 'ne') {
          throw new ScimFilterError(`"${path}" is a boolean and only supports eq and ne`);
        }
        const value = toBoolean(operand, path);
        return compare(col, op, this.bind(this.dialect === 'postgres' ? value : value ? 1 : 0));
      }
      case 'datetime': {
        if (op === 'co' || op === 'sw' || op === 'ew') {
          throw new ScimFilterError(`"${path}" is a date-time and does not support "${op}"`);
        }
        return compare(col, op, this.bind(this.formatDate(toDate(operand, path))));
      }
      case 'uuid':
        return this.uuidCondition(column, op, operand, path);
      case 'string': {
        if (typeof operand !== 'string') {
          throw new ScimFilterError(`"${path}" must be compared with a string`);
        }
        const value = column.caseExact ? operand : operand.toLowerCase();
        if (op === 'co' || op === 'sw' || op === 'ew') return this.substring(column, op, value);
        return compare(col, op, this.bind(value));
      }
    }
  }

  /**
   * Ids are lower-case UUIDs. Equality with something that is not a UUID matches nothing (and
   * PostgreSQL would refuse the cast); ordering and substrings compare the text form.
   */
  private uuidCondition(column: FilterColumn, op: Exclude<Operator, 'pr'>, operand: Operand, path: string) {
    if (typeof operand !== 'string') throw new ScimFilterError(`"${path}" must be compared with a string`);
    const value = operand.toLowerCase();
    const text = this.dialect === 'postgres' ? `CAST(${column.sql} AS text)` : column.sql;
    if (op === 'co' || op === 'sw' || op === 'ew')
      return this.substring({ ...column, sql: text, caseExact: true }, op, value);
    if ((op === 'eq' || op === 'ne') && !UUID.test(value)) return op === 'eq' ? '(1 = 0)' : '(1 = 1)';
    return compare(op === 'eq' || op === 'ne' ? column.sql : text, op, this.bind(value));
  }

  private substring(column: FilterColumn, op: 'co' | 'sw' | 'ew', value: string): string {
    const col = column.sql;
    // SQLite's LIKE ignores ASCII case, so case-exact columns there need plain string functions.
    if (this.dialect === 'sqlite' && column.caseExact) {
      const p = this.bind(value);
      if (op === 'co') return `(${col} IS NOT NULL AND instr(${col}, ${p}) > 0)`;
      if (op === 'sw') return `(${col} IS NOT NULL AND substr(${col}, 1, length(${p})) = ${p})`;
      return `(${col} IS NOT NULL AND length(${col}) >= length(${p}) AND substr(${col}, length(${col}) - length(${p}) + 1) = ${p})`;
    }
    const literal = value.replace(/[\\%_]/g, '\\$&');
    const pattern = op === 'co' ? `%${literal}%` : op === 'sw' ? `${literal}%` : `%${literal}`;
    return `(${col} IS NOT NULL AND ${col} LIKE ${this.bind(pattern)} ESCAPE '\\')`;
  }

  private bind(value: unknown): string {
    const name = `scim_f${Object.keys(this.params).length}`;
    this.params[name] = value;
    return `:${name}`;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const SQL_OPERATORS = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

function compare(col: string, op: OrderOperator, param: string): string {
  // SCIM: an absent attribute is "not equal" to anything.
  if (op === 'ne') return `(${col} IS NULL OR ${col} <> ${param})`;
  return `(${col} IS NOT NULL AND ${col} ${SQL_OPERATORS[op]} ${param})`;
}

/**
 * "Some value of the attribute matches", as an uncorrelated IN: the database can drive the search
 * from an index on the multi-valued table instead of probing it once per outer row. Both keys are
 * NOT NULL, so the result is never NULL.
 */
function exists(attribute: MultiValuedAttribute, condition?: string): string {
  const where = condition ? ` WHERE ${condition}` : '';
  return `${attribute.outerKey} IN (SELECT ${attribute.innerKey} FROM ${attribute.table} ${attribute.alias}${where})`;
}

function toBoolean(operand: Operand, path: string): boolean {
  // IdPs send "True"/"false" as strings as often as bare booleans.
  const text = typeof operand === 'string' ? operand.toLowerCase() : operand;
  if (text === true || text === 'true') return true;
  if (text === false || text === 'false') return false;
  throw new ScimFilterError(`"${path}" must be compared with true or false`);
}

function toDate(operand: Operand, path: string): Date {
  const invalid = new ScimFilterError(
    `"${path}" must be compared with an ISO 8601 date-time such as "2024-01-31T12:00:00Z"`,
  );
  // A number or a boolean never spells a date: as text it fails the pattern like any other junk.
  const match = ISO_DATE_TIME.exec(String(operand));
  if (!match) throw invalid;
  const [text, year, month, day, hour, , , zone] = match;
  // Date refuses month 00 or 13, day 00 and minute or second 60 itself (NaN below), but it would roll
  // 2024-02-30 over into March and read T24:00 as the next midnight. (No hour: NaN > 23 is false.)
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  if (Number(day) > daysInMonth || Number(hour) > 23) throw invalid;
  // Stryker disable next-line MethodExpression: V8's Date reads a lower-case t and z just as well
  let iso = text.toUpperCase().replace(' ', 'T');
  // Without an offset a date-time is taken as UTC, not the server's local time.
  // Stryker disable next-line ConditionalExpression: `hour !== undefined` -> true only adds a Z to a date alone, which V8 reads as the same UTC midnight
  if (hour !== undefined && !zone) iso += 'Z';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw invalid;
  return date;
}

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function unknownAttribute(path: string): ScimFilterError {
  return new ScimFilterError(`unknown attribute "${path}" in filter`);
}
