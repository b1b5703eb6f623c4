/**
 * SOQL for the fake Salesforce: enough of the grammar for what the app sends, checked the way Salesforce checks it.
 *
 *   SELECT f, Account.Name FROM Opportunity
 *   WHERE (Account.Name LIKE '%litware%' OR Account.Website LIKE '%litware.example%')
 *     AND (IsClosed = false OR CloseDate >= 2026-10-01) AND Id IN ('006…', '006…')
 *   ORDER BY CreatedDate ASC NULLS FIRST LIMIT 40
 *
 * Conditions: = != <> < <= > >= on a field and a literal ('text', numbers, true/false, null, date 2026-10-01 and
 * datetime 2026-10-01T00:00:00Z literals, unquoted), LIKE 'pattern' (% and _, escaped with a backslash, case-insensitive
 * but accent-sensitive, `_` one character),
 * [NOT] IN ( … ), NOT, and parentheses. As in Salesforce, AND and OR may not be mixed at one level without
 * parentheses, a date field takes a date literal (not a quoted string), and text compares case-insensitively.
 */

/** A field value as Salesforce's JSON carries it. */
export type SoqlValue = string | number | boolean | null;

/** What kind of value a field holds: it decides which literals it may be compared with, and how. */
export type SoqlFieldType = 'id' | 'string' | 'boolean' | 'number' | 'date' | 'datetime';

export class SoqlError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: string }
  | { kind: 'datetime'; value: number };

type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { kind: 'and' | 'or'; parts: Condition[] }
  | { kind: 'not'; part: Condition }
  | { kind: 'compare'; field: string; op: Operator; value: Literal }
  | { kind: 'like'; field: string; pattern: string }
  | { kind: 'in'; field: string; values: Literal[]; negated: boolean };

export interface Soql {
  fields: string[];
  object: string;
  where?: Condition;
  orderBy: { field: string; descending: boolean; nullsLast: boolean }[];
  limit?: number;
}

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'date'; text: string }
  | { kind: 'punct'; text: string };

const SOQL_ESCAPES: Record<string, string> = {
  "'": "'",
  '"': '"',
  '\\': '\\',
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  // LIKE wildcards stay escaped: only LIKE reads them, as literal characters.
  _: '\\_',
  '%': '\\%',
};

const DATE_LITERAL = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2}))?/;

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const char = soql.charAt(i);
    const rest = soql.slice(i);
    if (/\s/.test(char)) {
      i++;
    } else if (/[A-Za-z_]/.test(char)) {
      const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest)?.[0] ?? char;
      tokens.push({ kind: 'word', text: word });
      i += word.length;
    } else if (DATE_LITERAL.test(rest)) {
      const text = DATE_LITERAL.exec(rest)?.[0] ?? '';
      tokens.push({ kind: 'date', text });
      i += text.length;
    } else if (/[0-9]/.test(char)) {
      const digits = /^[0-9]+(\.[0-9]+)?/.exec(rest)?.[0] ?? char;
      tokens.push({ kind: 'number', value: Number(digits) });
      i += digits.length;
    } else if (/^(!=|<>|<=|>=)/.test(rest)) {
      tokens.push({ kind: 'punct', text: rest.slice(0, 2) === '<>' ? '!=' : rest.slice(0, 2) });
      i += 2;
    } else if ('(),=<>'.includes(char)) {
      tokens.push({ kind: 'punct', text: char });
      i++;
    } else if (char === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= soql.length)
          throw new SoqlError('MALFORMED_QUERY', 'unexpected token: <EOF>: unterminated string');
        const c = soql.charAt(i);
        if (c === "'") break;
        if (c === '\\') {
          const escaped = soql.charAt(i + 1);
          if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(soql.slice(i + 2, i + 6))) {
            value += String.fromCharCode(Number.parseInt(soql.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          const replacement = SOQL_ESCAPES[escaped];
          if (replacement === undefined) {
            throw new SoqlError(
              'MALFORMED_QUERY',
              `Invalid string literal '${soql.slice(i, i + 2)}'. Illegal character sequence '\\${escaped}' in string literal.`,
            );
          }
          value += replacement;
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      tokens.push({ kind: 'string', value });
      i++;
    } else {
      throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${char}'`);
    }
  }
  return tokens;
}

/** A date or datetime literal as the fake compares it. */
function dateLiteral(text: string): Literal {
  if (text.length === 10) return { kind: 'date', value: text };
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(ms)) throw new SoqlError('MALFORMED_QUERY', `invalid datetime literal: ${text}`);
  return { kind: 'datetime', value: ms };
}

export function parseSoql(soql: string): Soql {
  const tokens = tokenize(soql);
  let at = 0;
  const describe = (token: Token | undefined): string => {
    if (!token) return '<EOF>';
    if (token.kind === 'string') return `'${token.value}'`;
    if (token.kind === 'number') return String(token.value);
    return token.text;
  };
  const unexpected = (): never => {
    throw new SoqlError('MALFORMED_QUERY', `unexpected token: ${describe(tokens[at])}`);
  };
  const isKeyword = (word: string, offset = 0): boolean => {
    const token = tokens[at + offset];
    return token?.kind === 'word' && token.text.toUpperCase() === word;
  };
  const keyword = (word: string): boolean => {
    if (!isKeyword(word)) return false;
    at++;
    return true;
  };
  const expectKeyword = (word: string): void => {
    if (!keyword(word)) unexpected();
  };
  const punct = (text: string): boolean => {
    const token = tokens[at];
    if (token?.kind === 'punct' && token.text === text) {
      at++;
      return true;
    }
    return false;
  };
  const word = (): string => {
    const token = tokens[at];
    if (token?.kind !== 'word') return unexpected();
    at++;
    return token.text;
  };
  const literal = (): Literal => {
    const token = tokens[at];
    if (!token) return unexpected();
    at++;
    if (token.kind === 'string') return { kind: 'string', value: token.value };
    if (token.kind === 'number') return { kind: 'number', value: token.value };
    if (token.kind === 'date') return dateLiteral(token.text);
    if (token.kind === 'word') {
      const upper = token.text.toUpperCase();
      if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'boolean', value: upper === 'TRUE' };
      if (upper === 'NULL') return { kind: 'null' };
    }
    at--;
    return unexpected();
  };

  /** One condition: NOT …, ( … ), or a field compared with a literal. */
  const term = (): Condition => {
    if (keyword('NOT')) return { kind: 'not', part: term() };
    if (punct('(')) {
      const inner = expression();
      if (!punct(')')) unexpected();
      return inner;
    }
    const field = word();
    if (keyword('LIKE')) {
      const token = tokens[at];
      if (token?.kind !== 'string') return unexpected();
      at++;
      return { kind: 'like', field, pattern: token.value };
    }
    const negated = isKeyword('NOT') && isKeyword('IN', 1);
    if (negated) at++;
    if (keyword('IN')) {
      if (!punct('(')) unexpected();
      const values = [literal()];
      while (punct(',')) values.push(literal());
      if (!punct(')')) unexpected();
      return { kind: 'in', field, values, negated };
    }
    for (const op of ['=', '!=', '<=', '>=', '<', '>'] as const) {
      if (punct(op)) return { kind: 'compare', field, op, value: literal() };
    }
    return unexpected();
  };

  /** Terms joined by one connector: AND and OR at one level need parentheses, as in Salesforce. */
  const expression = (): Condition => {
    const parts = [term()];
    let connector: 'and' | 'or' | undefined;
    for (;;) {
      const next = isKeyword('AND') ? 'and' : isKeyword('OR') ? 'or' : undefined;
      if (!next) break;
      if (connector && next !== connector) unexpected();
      connector = next;
      at++;
      parts.push(term());
    }
    return connector ? { kind: connector, parts } : (parts[0] as Condition);
  };

  expectKeyword('SELECT');
  const fields = [word()];
  while (punct(',')) fields.push(word());
  expectKeyword('FROM');
  const object = word();
  const where = keyword('WHERE') ? expression() : undefined;
  const orderBy: Soql['orderBy'] = [];
  if (keyword('ORDER')) {
    expectKeyword('BY');
    do {
      const field = word();
      const descending = keyword('DESC');
      if (!descending) keyword('ASC');
      let nullsLast = descending;
      if (keyword('NULLS')) {
        if (keyword('LAST')) nullsLast = true;
        else if (keyword('FIRST')) nullsLast = false;
        else unexpected();
      }
      orderBy.push({ field, descending, nullsLast });
    } while (punct(','));
  }
  let limit: number | undefined;
  if (keyword('LIMIT')) {
    const token = tokens[at];
    if (token?.kind !== 'number' || !Number.isInteger(token.value)) return unexpected();
    limit = token.value;
    at++;
  }
  if (at < tokens.length) unexpected();
  return { fields, object, ...(where ? { where } : {}), orderBy, ...(limit !== undefined ? { limit } : {}) };
}

/** Every field a condition names (to check them against the object's fields). */
export function conditionFields(condition: Condition | undefined): string[] {
  if (!condition) return [];
  switch (condition.kind) {
    case 'and':
    case 'or':
      return condition.parts.flatMap(conditionFields);
    case 'not':
      return conditionFields(condition.part);
    default:
      return [condition.field];
  }
}

const WRONG_TYPE: Record<SoqlFieldType, string> = {
  id: 'must be of type id and should be enclosed in quotes',
  string: 'must be of type string and should be enclosed in quotes',
  boolean: 'must be of type boolean and should not be enclosed in quotes',
  number: 'must be of type double and should not be enclosed in quotes',
  date: 'must be of type date and should not be enclosed in quotes',
  datetime: 'must be of type dateTime and should not be enclosed in quotes',
};

const FITS: Record<SoqlFieldType, Literal['kind'][]> = {
  id: ['string', 'null'],
  string: ['string', 'null'],
  boolean: ['boolean'],
  number: ['number', 'null'],
  date: ['date', 'null'],
  datetime: ['datetime', 'null'],
};

/** Refuses a literal of the wrong type for its field, and LIKE on anything but text (Salesforce refuses both). */
export function checkTypes(condition: Condition | undefined, typeOf: (field: string) => SoqlFieldType): void {
  if (!condition) return;
  switch (condition.kind) {
    case 'and':
    case 'or':
      for (const part of condition.parts) checkTypes(part, typeOf);
      return;
    case 'not':
      checkTypes(condition.part, typeOf);
      return;
    case 'like': {
      const type = typeOf(condition.field);
      if (type !== 'string')
        throw new SoqlError(
          'INVALID_QUERY_FILTER_OPERATOR',
          `invalid operator on ${type} field: LIKE on '${condition.field}'`,
        );
      return;
    }
    default: {
      const type = typeOf(condition.field);
      const values = condition.kind === 'in' ? condition.values : [condition.value];
      for (const value of values) {
        if (
          type === 'id' &&
          value.kind === 'string' &&
          !/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(value.value)
        )
          throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${value.value}`);
        if (!FITS[type].includes(value.kind))
          throw new SoqlError(
            'MALFORMED_QUERY',
            `value of filter criterion for field '${condition.field}' ${WRONG_TYPE[type]}`,
          );
      }
    }
  }
}

/** A datetime as Salesforce writes it ('2026-10-26T14:00:00.000+0000') in ms. */
const datetimeMs = (value: string): number => Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));

/** How a stored value compares with a literal of its field's type (undefined: not comparable, e.g. null). */
function compare(type: SoqlFieldType, stored: SoqlValue, literal: Literal): number | undefined {
  if (stored === null || literal.kind === 'null') return undefined;
  switch (type) {
    case 'id': {
      // Ids compare by their case-sensitive 15-character form (an 18-character id names the same record).
      const a = String(stored).slice(0, 15);
      const b = literal.kind === 'string' ? literal.value.slice(0, 15) : '';
      return a === b ? 0 : a < b ? -1 : 1;
    }
    case 'string': {
      const a = String(stored).toLowerCase();
      const b = literal.kind === 'string' ? literal.value.toLowerCase() : '';
      return a === b ? 0 : a < b ? -1 : 1;
    }
    case 'boolean':
      return literal.kind === 'boolean' && Boolean(stored) === literal.value ? 0 : 1;
    case 'number':
      return literal.kind === 'number' ? Math.sign(Number(stored) - literal.value) : undefined;
    case 'date': {
      const b = literal.kind === 'date' ? literal.value : '';
      const a = String(stored).slice(0, 10);
      return a === b ? 0 : a < b ? -1 : 1;
    }
    case 'datetime':
      return literal.kind === 'datetime' ? Math.sign(datetimeMs(String(stored)) - literal.value) : undefined;
  }
}

/** A LIKE pattern as a regular expression: % any run, _ one character, a backslash escaping either. */
function likeRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    const next = pattern.charAt(i + 1);
    if (c === '\\' && (next === '%' || next === '_')) {
      source += next;
      i++;
    } else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

/** Whether a record matches: `readField` reads a field (a relationship path such as Account.Name included). */
export function matches(
  condition: Condition | undefined,
  readField: (field: string) => SoqlValue,
  typeOf: (field: string) => SoqlFieldType,
): boolean {
  if (!condition) return true;
  switch (condition.kind) {
    case 'and':
      return condition.parts.every((part) => matches(part, readField, typeOf));
    case 'or':
      return condition.parts.some((part) => matches(part, readField, typeOf));
    case 'not':
      return !matches(condition.part, readField, typeOf);
    case 'like': {
      const stored = readField(condition.field);
      return stored !== null && likeRegExp(condition.pattern).test(String(stored));
    }
    case 'in': {
      const type = typeOf(condition.field);
      const stored = readField(condition.field);
      const found = condition.values.some((value) =>
        value.kind === 'null' ? stored === null : compare(type, stored, value) === 0,
      );
      return condition.negated ? !found : found;
    }
    case 'compare': {
      const stored = readField(condition.field);
      if (condition.value.kind === 'null') {
        return condition.op === '=' ? stored === null : condition.op === '!=' ? stored !== null : false;
      }
      const order = compare(typeOf(condition.field), stored, condition.value);
      if (order === undefined) return condition.op === '!=';
      switch (condition.op) {
        case '=':
          return order === 0;
        case '!=':
          return order !== 0;
        case '<':
          return order < 0;
        case '<=':
          return order <= 0;
        case '>':
          return order > 0;
        case '>=':
          return order >= 0;
      }
    }
  }
}

/** Sorts records by ORDER BY (stable: equal records keep their order). */
export function ordered<T>(
  records: T[],
  orderBy: Soql['orderBy'],
  readField: (record: T, field: string) => SoqlValue,
  typeOf: (field: string) => SoqlFieldType,
): T[] {
  if (orderBy.length === 0) return records;
  const key = (type: SoqlFieldType, value: SoqlValue): string | number =>
    type === 'datetime'
      ? datetimeMs(String(value))
      : type === 'number'
        ? Number(value)
        : type === 'string'
          ? String(value).toLowerCase()
          : String(value);
  return records
    .map((record, index) => ({ record, index }))
    .sort((a, b) => {
      for (const { field, descending, nullsLast } of orderBy) {
        const type = typeOf(field);
        const x = readField(a.record, field);
        const y = readField(b.record, field);
        if (x === null || y === null) {
          if (x === y) continue;
          return (x === null) === nullsLast ? 1 : -1;
        }
        const kx = key(type, x);
        const ky = key(type, y);
        if (kx === ky) continue;
        return (kx < ky ? -1 : 1) * (descending ? -1 : 1);
      }
      return a.index - b.index;
    })
    .map((entry) => entry.record);
}
