/**
 * Where a text stops being JSON, as line and column, without quoting any of it (JSON.parse's own message quotes the
 * text's first characters, and does not always say where). A small reader of the JSON grammar: it only finds the
 * offset of the first character that cannot continue a JSON document.
 */
export function jsonErrorWhere(text: string): { line: number; column: number; atEnd: boolean } | undefined {
  const offset = new JsonReader(text).firstBadOffset();
  if (offset === undefined) return undefined;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1, atEnd: offset >= text.length };
}

class Stop {
  constructor(readonly at: number) {}
}

const HEX = /[0-9a-fA-F]/;
const DIGIT = /[0-9]/;

class JsonReader {
  private i = 0;
  constructor(private readonly text: string) {}

  firstBadOffset(): number | undefined {
    try {
      this.value();
      this.space();
      if (this.i < this.text.length) this.fail();
      return undefined;
    } catch (error) {
      if (error instanceof Stop) return error.at;
      throw error;
    }
  }

  private peek(): string {
    return this.text[this.i] ?? '';
  }

  private fail(): never {
    throw new Stop(this.i);
  }

  private space(): void {
    while (this.peek() !== '' && ' \t\n\r'.includes(this.peek())) this.i += 1;
  }

  private expect(char: string): void {
    if (this.peek() !== char) this.fail();
    this.i += 1;
  }

  private value(): void {
    this.space();
    const char = this.peek();
    if (char === '{') this.list('}', () => this.member());
    else if (char === '[') this.list(']', () => this.value());
    else if (char === '"') this.string();
    else if (char === 't') for (const c of 'true') this.expect(c);
    else if (char === 'f') for (const c of 'false') this.expect(c);
    else if (char === 'n') for (const c of 'null') this.expect(c);
    else if (char === '-' || DIGIT.test(char)) this.number();
    else this.fail();
  }

  private member(): void {
    this.space();
    if (this.peek() !== '"') this.fail();
    this.string();
    this.space();
    this.expect(':');
    this.value();
  }

  private list(close: string, item: () => void): void {
    this.i += 1;
    this.space();
    if (this.peek() === close) {
      this.i += 1;
      return;
    }
    for (;;) {
      item();
      this.space();
      if (this.peek() === close) {
        this.i += 1;
        return;
      }
      this.expect(',');
    }
  }

  private string(): void {
    this.i += 1;
    for (;;) {
      const char = this.peek();
      if (char === '' || char < ' ') this.fail();
      this.i += 1;
      if (char === '"') return;
      if (char === '\\') this.escape();
    }
  }

  private escape(): void {
    if (this.peek() === 'u') {
      this.i += 1;
      for (let k = 0; k < 4; k += 1) {
        if (!HEX.test(this.peek())) this.fail();
        this.i += 1;
      }
      return;
    }
    if (this.peek() === '' || !'"\\/bfnrt'.includes(this.peek())) this.fail();
    this.i += 1;
  }

  private digits(): void {
    const start = this.i;
    while (DIGIT.test(this.peek())) this.i += 1;
    if (this.i === start) this.fail();
  }

  private number(): void {
    if (this.peek() === '-') this.i += 1;
    if (this.peek() === '0') this.i += 1;
    else this.digits();
    if (this.peek() === '.') {
      this.i += 1;
      this.digits();
    }
    if (this.peek() === 'e' || this.peek() === 'E') {
      this.i += 1;
      if (this.peek() === '+' || this.peek() === '-') this.i += 1;
      this.digits();
    }
  }
}
