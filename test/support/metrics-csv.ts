/**
 * An RFC 4180 parser: quoted fields with doubled quotes. Lenient by default: a record ends at CRLF or LF, and the last
 * one may lack its end. `strict`, the touch log's own format: CRLF between records and after the last one, no bare CR
 * or LF outside quotes, nothing after a closing quote but a comma or CRLF.
 */
export function parseCsv(text: string, strict = false): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStart = true;
  const fail = (what: string, at: number) => {
    throw new Error(`${what} at ${at}`);
  };
  const endField = () => {
    record.push(field);
    field = '';
    fieldStart = true;
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (quoted) {
      if (c !== '"') field += c;
      else if (next === '"') {
        field += '"';
        i += 1;
      } else {
        quoted = false;
        if (strict && next !== ',' && next !== '\r') fail('characters after a closing quote', i + 1);
      }
    } else if (c === '"') {
      if (!fieldStart) fail('a quote inside an unquoted field', i);
      quoted = true;
      fieldStart = false;
    } else if (c === ',') endField();
    else if (c === '\r' && next === '\n') {
      endRecord();
      i += 1;
    } else if (strict && (c === '\r' || c === '\n'))
      fail(`a bare ${c === '\r' ? 'CR' : 'LF'} outside quotes`, i);
    else if (c === '\n') endRecord();
    else {
      field += c;
      fieldStart = false;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  const pending = field !== '' || record.length > 0;
  if (strict && (pending || !fieldStart)) throw new Error('the last record does not end with CRLF');
  if (pending) endRecord();
  return records;
}
