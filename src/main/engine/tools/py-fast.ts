/**
 * A fast path for the common shape of call text, `[name(arg=literal, ...), ...]`, whose values are plain
 * literals: strings without prefixes and with the escapes `\n \t \r \\ \' \"`, decimal numbers (optionally
 * negated), `True`/`False`/`None` (and `true`/`false`/`null` outside strict mode), lists, tuples and dicts with
 * string keys. It scans the text once and builds the values directly, without an expression tree.
 *
 * It decides nothing on its own: on anything else (comments, other escapes, operators, nested calls, bare
 * names, positional or repeated arguments, names with spaces, any error) it gives up and returns undefined,
 * and the general parser (`PyParser` + `resolveCall`) reads the text from the start. What it accepts is read
 * exactly as the general path reads it; test/tools/py-fast.test.ts compares the two on generated inputs.
 */
import { PyFloat, PyTuple, type PyDict, type PyValue } from './py-value';
import type { TypedCall } from './py-resolve';

// Deeper values go to the general parser (whose limit, 200, is then the one that applies).
const MAX_DEPTH = 100;

function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/*
 * Every reader returns undefined to give up (no PyValue is undefined). Throwing would be simpler, but an
 * exception costs more than parsing a whole call, and giving up is what prose does at its first word.
 */
class FastScanner {
  pos: number;
  private depth = 0;

  constructor(
    private readonly s: string,
    start: number,
    private readonly end: number,
    private readonly json: boolean,
  ) {
    this.pos = start;
  }

  private peek(): number {
    return this.pos < this.end ? this.s.charCodeAt(this.pos) : -1;
  }

  private peekAt(i: number): number {
    return i < this.end ? this.s.charCodeAt(i) : -1;
  }

  /** Spaces, tabs and line breaks only: a comment or a line continuation makes the caller give up. */
  private ws(): void {
    const s = this.s;
    const end = this.end;
    let pos = this.pos;
    while (pos < end) {
      const c = s.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 9 || c === 13 || c === 12) pos++;
      else break;
    }
    this.pos = pos;
  }

  /** An ASCII identifier (a non-ASCII letter, which the general parser may read as part of one, gives up). */
  private identifier(): string | undefined {
    const start = this.pos;
    return this.skipIdentifier() ? this.s.slice(start, this.pos) : undefined;
  }

  /** Moves past an ASCII identifier; false when there is none. */
  private skipIdentifier(): boolean {
    const s = this.s;
    const end = this.end;
    let pos = this.pos;
    if (pos >= end || !isIdStart(s.charCodeAt(pos))) return false;
    pos++;
    let c = -1;
    while (pos < end) {
      c = s.charCodeAt(pos);
      if (!isIdPart(c)) break;
      pos++;
    }
    this.pos = pos;
    return !(pos < end && c > 127);
  }

  calls(strict: boolean): TypedCall[] | undefined {
    this.ws();
    const calls: TypedCall[] = [];
    const bracketed = this.peek() === 91;
    if (bracketed) this.pos++;
    for (;;) {
      this.ws();
      if (this.pos >= this.end) {
        if (bracketed && strict) return undefined; // "[" not closed: an error, the general path words it
        break;
      }
      if (bracketed && this.peek() === 93) {
        this.pos++;
        break;
      }
      const call = this.call();
      if (call === undefined) return undefined;
      calls.push(call);
      this.ws();
      const c = this.peek();
      if (c === 44) this.pos++;
      else if (bracketed && c === 93) {
        this.pos++;
        break;
      } else if (c !== -1) return undefined;
      else break;
    }
    if (strict) {
      this.ws();
      if (this.pos < this.end) return undefined;
    }
    return calls;
  }

  private call(): TypedCall | undefined {
    const start = this.pos;
    const first = this.identifier();
    switch (first) {
      case undefined:
      case 'True':
      case 'False':
      case 'None':
      case 'lambda':
        return undefined;
      case 'true':
      case 'false':
      case 'null':
        if (this.json) return undefined;
    }
    // The general parser puts an attribute's position at its dot, and so the call's position.
    let pos = start;
    while (this.peek() === 46) {
      pos = this.pos++;
      if (!this.skipIdentifier()) return undefined;
    }
    const name = pos === start ? first : this.s.slice(start, this.pos);
    this.ws();
    if (this.peek() !== 40) return undefined;
    this.pos++;
    const args = new Map<string, PyValue>();
    for (;;) {
      this.ws();
      if (this.peek() === 41) {
        this.pos++;
        break;
      }
      const key = this.identifier();
      if (key === undefined) return undefined;
      this.ws();
      if (this.peek() !== 61 || this.peekAt(this.pos + 1) === 61) return undefined;
      this.pos++;
      this.ws();
      const value = this.value();
      if (value === undefined) return undefined;
      const size = args.size;
      args.set(key, value);
      if (args.size === size) return undefined; // a repeated keyword: an error, the general path words it
      this.ws();
      const c = this.peek();
      if (c === 44) this.pos++;
      else if (c === 41) {
        this.pos++;
        break;
      } else return undefined;
    }
    return { name, args, positional: 0, pos };
  }

  /** A literal at `pos` (whitespace already skipped); the caller checks what follows it. */
  private value(): PyValue | undefined {
    if (++this.depth > MAX_DEPTH) return undefined;
    const c = this.peek();
    let v: PyValue | undefined;
    if (c === 34 || c === 39) v = this.string(c);
    else if (isDigit(c)) v = this.number();
    else if (c === 45) {
      this.pos++;
      if (!isDigit(this.peek())) return undefined;
      const n = this.number();
      v = n === undefined ? undefined : typeof n === 'number' ? -n : new PyFloat(-n.value);
    } else if (c === 91) {
      this.pos++;
      v = this.items(93, []);
    } else if (c === 40) v = this.tuple();
    else if (c === 123) v = this.dict();
    else v = this.constant();
    this.depth--;
    return v;
  }

  private constant(): boolean | null | undefined {
    switch (this.identifier()) {
      case 'True':
        return true;
      case 'False':
        return false;
      case 'None':
        return null;
      case 'true':
        return this.json ? true : undefined;
      case 'false':
        return this.json ? false : undefined;
      case 'null':
        return this.json ? null : undefined;
      default:
        return undefined;
    }
  }

  /** A decimal int or float: no underscores, no leading zeros, no `5.` or `.5`, no suffix. */
  private number(): number | PyFloat | undefined {
    const start = this.pos;
    if (this.peek() === 48 && isDigit(this.peekAt(start + 1))) return undefined;
    let float = false;
    this.digits();
    let c = this.peek();
    if (c === 46) {
      this.pos++;
      if (!isDigit(this.peek())) return undefined;
      this.digits();
      float = true;
      c = this.peek();
    }
    if (c === 101 || c === 69) {
      this.pos++;
      c = this.peek();
      if (c === 43 || c === 45) this.pos++;
      if (!isDigit(this.peek())) return undefined;
      this.digits();
      float = true;
      c = this.peek();
    }
    if (isIdPart(c) || c === 46 || c > 127) return undefined;
    const n = Number(this.s.slice(start, this.pos));
    return float ? new PyFloat(n) : n;
  }

  private digits(): void {
    while (isDigit(this.peek())) this.pos++;
  }

  /** A one-line string in quote `q` with the simple escapes only. */
  private string(q: number): string | undefined {
    const s = this.s;
    this.pos++;
    if (this.peek() === q) {
      if (this.peekAt(this.pos + 1) === q) return undefined; // triple-quoted
      this.pos++;
      return '';
    }
    let out = '';
    let chunk = this.pos;
    while (this.pos < this.end) {
      const c = s.charCodeAt(this.pos);
      if (c === q) {
        out += s.slice(chunk, this.pos);
        this.pos++;
        return out;
      }
      if (c === 92) {
        let e: string;
        switch (this.peekAt(this.pos + 1)) {
          case 110:
            e = '\n';
            break;
          case 116:
            e = '\t';
            break;
          case 114:
            e = '\r';
            break;
          case 92:
            e = '\\';
            break;
          case 39:
            e = "'";
            break;
          case 34:
            e = '"';
            break;
          default:
            return undefined;
        }
        out += s.slice(chunk, this.pos) + e;
        this.pos += 2;
        chunk = this.pos;
      } else if (c === 10) return undefined;
      else this.pos++;
    }
    return undefined;
  }

  /** Items up to `close`, with an optional trailing comma (the opening bracket is already read). */
  private items(close: number, items: PyValue[]): PyValue[] | undefined {
    for (;;) {
      this.ws();
      if (this.peek() === close) {
        this.pos++;
        return items;
      }
      const v = this.value();
      if (v === undefined) return undefined;
      items.push(v);
      this.ws();
      const c = this.peek();
      if (c === 44) this.pos++;
      else if (c === close) {
        this.pos++;
        return items;
      } else return undefined;
    }
  }

  /** `()`, `(x)` (which is x) or `(x, ...)`. */
  private tuple(): PyValue | undefined {
    this.pos++;
    this.ws();
    if (this.peek() === 41) {
      this.pos++;
      return new PyTuple([]);
    }
    const first = this.value();
    if (first === undefined) return undefined;
    this.ws();
    const c = this.peek();
    if (c === 41) {
      this.pos++;
      return first;
    }
    if (c !== 44) return undefined;
    this.pos++;
    const items = this.items(41, [first]);
    return items === undefined ? undefined : new PyTuple(items);
  }

  /** A dict with string keys. */
  private dict(): PyDict | undefined {
    this.pos++;
    const out: PyDict = new Map();
    this.ws();
    if (this.peek() === 125) {
      this.pos++;
      return out;
    }
    for (;;) {
      const q = this.peek();
      if (q !== 34 && q !== 39) return undefined;
      const key = this.string(q);
      if (key === undefined) return undefined;
      this.ws();
      if (this.peek() !== 58) return undefined;
      this.pos++;
      this.ws();
      const v = this.value();
      if (v === undefined) return undefined;
      out.set(key, v);
      this.ws();
      const c = this.peek();
      if (c === 125) {
        this.pos++;
        return out;
      }
      if (c !== 44) return undefined;
      this.pos++;
      this.ws();
      if (this.peek() === 125) {
        this.pos++;
        return out;
      }
    }
  }
}

/**
 * The calls in `text[start, end)` when the text has the simple shape, exactly as `parsePythonCalls` reads
 * them (`strict`: BFCL's rules, no JSON literals); undefined when the general parser must decide.
 */
export function fastPythonCalls(text: string, start: number, end: number, strict: boolean): TypedCall[] | undefined {
  return new FastScanner(text, start, end, !strict).calls(strict);
}
