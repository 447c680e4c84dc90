/**
 * A small parser for Python expressions as models write tool calls: `[f(a=1, b="x"), pkg.g(c=[1, 2])]`.
 * It covers what BFCL's decoder (Python's `ast`) accepts in call arguments and reports anything else as
 * a typed error with a position. It never throws to its callers (see `parseExpression`).
 */
import { PyFloat } from './py-value';

export type Expr =
  | { k: 'const'; v: string | number | boolean | null | PyFloat; ellipsis?: true; pos: number }
  | { k: 'name'; id: string; pos: number }
  | { k: 'attr'; value: Expr; attr: string; pos: number }
  | { k: 'list' | 'tuple' | 'set'; items: Expr[]; pos: number }
  | { k: 'dict'; keys: Expr[]; values: Expr[]; pos: number }
  | { k: 'call'; func: Expr; args: Expr[]; kwargs: { name: string; value: Expr; pos: number }[]; pos: number }
  | { k: 'unary'; op: string; operand: Expr; pos: number }
  | { k: 'binop'; op: string; left: Expr; right: Expr; pos: number }
  | { k: 'subscript'; value: Expr; index: Expr; pos: number };

export interface PyParseOptions {
  /** Also read `true`/`false`/`null` as constants and `\/` as `/` (JSON in call syntax). */
  jsonLiterals?: boolean;
  /** Allow spaces inside a called name (`Get Weather(city="x")`), as ToolACE names have. */
  spacedNames?: boolean;
  /**
   * Read calls as BFCL's decoder does (Python's `ast` and `resolve_ast_call`): a repeated keyword argument
   * keeps its last value, and a `*starred` argument is a positional one (ignored), wherever it stands.
   */
  bfcl?: boolean;
}

export class PyParseError extends Error {
  constructor(
    readonly kind: string,
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

/**
 * Makes an error without capturing a stack trace. Parse errors are expected results (turned into messages
 * with a position, never shown with a stack), and capturing one costs more than the parse.
 */
function withoutStack<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const C_SPACE = 32,
  C_TAB = 9,
  C_LF = 10,
  C_CR = 13,
  C_FF = 12,
  C_HASH = 35,
  C_BSLASH = 92;

function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
}
function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const KEYWORD_OPERATORS = ['and', 'or', 'if', 'not', 'in', 'is', 'for'];
const NON_ID_UNICODE = /[\s\p{P}\p{S}]/u;

export class PyParser {
  pos = 0;
  private readonly n: number;
  private depth = 0;

  constructor(
    readonly src: string,
    readonly opts: PyParseOptions = {},
    start = 0,
    private readonly end = src.length,
  ) {
    this.pos = start;
    this.n = end;
  }

  fail(kind: string, message: string, pos = this.pos): never {
    throw withoutStack(() => new PyParseError(kind, message, pos));
  }

  /** Skips spaces, newlines (we are always inside brackets), comments and line continuations. */
  ws(): void {
    const s = this.src;
    while (this.pos < this.n) {
      const c = s.charCodeAt(this.pos);
      if (c === C_SPACE || c === C_TAB || c === C_LF || c === C_CR || c === C_FF) this.pos++;
      else if (c === C_HASH) {
        while (this.pos < this.n && s.charCodeAt(this.pos) !== C_LF) this.pos++;
      } else if (c === C_BSLASH && (s.charCodeAt(this.pos + 1) === C_LF || s.charCodeAt(this.pos + 1) === C_CR)) this.pos += 2;
      else break;
    }
  }

  atEnd(): boolean {
    this.ws();
    return this.pos >= this.n;
  }

  peek(): number {
    return this.pos < this.n ? this.src.charCodeAt(this.pos) : -1;
  }

  expect(ch: string): void {
    this.ws();
    if (this.src.startsWith(ch, this.pos) && this.pos + ch.length <= this.n) {
      this.pos += ch.length;
      return;
    }
    this.fail(
      'syntax',
      this.pos >= this.n
        ? `expected "${ch}" but the text ended`
        : `expected "${ch}" but found "${this.src.slice(this.pos, this.pos + 12)}"`,
    );
  }

  expr(): Expr {
    if (++this.depth > 200) this.fail('too_deep', 'nesting is deeper than 200 levels');
    this.ws();
    const start = this.pos;
    if (this.peek() === 108 && this.src.startsWith('lambda', start) && !isIdPart(this.src.charCodeAt(start + 6))) {
      this.fail('unsupported', 'lambda expressions are not supported as argument values', start);
    }
    const e = this.additive();
    this.ws();
    const c = this.peek();
    // Comparisons, boolean operators and conditional expressions are outside what a call argument may be.
    if (
      c === 60 ||
      c === 62 ||
      (c === 61 && this.src.charCodeAt(this.pos + 1) === 61) ||
      (c === 33 && this.src.charCodeAt(this.pos + 1) === 61)
    ) {
      this.fail('unsupported', 'comparisons are not supported as argument values');
    }
    if (c >= 97 && c <= 122) {
      for (const word of KEYWORD_OPERATORS) {
        if (this.src.startsWith(word, this.pos) && !isIdPart(this.src.charCodeAt(this.pos + word.length))) {
          this.fail('unsupported', `"${word}" expressions are not supported as argument values`);
        }
      }
    }
    this.depth--;
    return e;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      this.ws();
      const c = this.peek();
      if ((c === 43 || c === 45) && this.src.charCodeAt(this.pos + 1) !== 61) {
        const pos = this.pos++;
        const right = this.multiplicative();
        left = { k: 'binop', op: c === 43 ? '+' : '-', left, right, pos };
      } else return left;
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      this.ws();
      const s = this.src;
      const c = this.peek();
      let op: string | undefined;
      if (c === 42 && s.charCodeAt(this.pos + 1) !== 42) op = '*';
      else if (c === 47) op = s.charCodeAt(this.pos + 1) === 47 ? '//' : '/';
      else if (c === 37) op = '%';
      if (!op) return left;
      const pos = this.pos;
      this.pos += op.length;
      const right = this.unary();
      left = { k: 'binop', op, left, right, pos };
    }
  }

  private unary(): Expr {
    this.ws();
    const c = this.peek();
    if (c === 45 || c === 43 || c === 126) {
      const pos = this.pos++;
      const operand = this.unary();
      return { k: 'unary', op: String.fromCharCode(c), operand, pos };
    }
    return this.power();
  }

  private power(): Expr {
    const base = this.postfix();
    this.ws();
    if (this.peek() === 42 && this.src.charCodeAt(this.pos + 1) === 42) {
      const pos = this.pos;
      this.pos += 2;
      const exp = this.unary();
      return { k: 'binop', op: '**', left: base, right: exp, pos };
    }
    return base;
  }

  private postfix(): Expr {
    let e = this.atom();
    for (;;) {
      // No whitespace skipping before "(" of a spaced name is needed here: `f (x=1)` is still a call in Python.
      this.ws();
      const c = this.peek();
      if (c === 40) e = this.callArgs(e);
      else if (c === 46 && !isDigit(this.src.charCodeAt(this.pos + 1))) {
        const pos = this.pos++;
        this.ws();
        const attr = this.identifier();
        e = { k: 'attr', value: e, attr, pos };
      } else if (c === 91) {
        const pos = this.pos++;
        const index = this.subscriptIndex();
        this.expect(']');
        e = { k: 'subscript', value: e, index, pos };
      } else return e;
    }
  }

  private subscriptIndex(): Expr {
    const first = this.expr();
    this.ws();
    if (this.peek() === 44) {
      const items = [first];
      while (this.peek() === 44) {
        this.pos++;
        this.ws();
        if (this.peek() === 93) break;
        items.push(this.expr());
        this.ws();
      }
      return { k: 'tuple', items, pos: first.pos };
    }
    return first;
  }

  callArgs(func: Expr): Expr {
    const pos = this.pos;
    this.expect('(');
    const args: Expr[] = [];
    const kwargs: { name: string; value: Expr; pos: number }[] = [];
    for (;;) {
      this.ws();
      if (this.peek() === 41) {
        this.pos++;
        break;
      }
      const argPos = this.pos;
      if (this.peek() === 42) {
        // `*x` is legal after keywords too (`f(a=1, *x)`); BFCL ignores it like every positional argument.
        if (!this.opts.bfcl || this.src.charCodeAt(this.pos + 1) === 42)
          this.fail('unsupported', '*args and **kwargs are not supported', argPos);
        this.pos++;
        args.push(this.expr());
        this.ws();
        const after = this.peek();
        if (after === 44) {
          this.pos++;
          continue;
        }
        if (after === 41) {
          this.pos++;
          break;
        }
        this.fail('syntax', `expected "," or ")" in the call's arguments but found "${this.src.slice(this.pos, this.pos + 12)}"`);
      }
      // keyword argument: identifier followed by "=" (but not "==")
      let keyword: string | undefined;
      if (isIdStart(this.peek())) {
        const save = this.pos;
        const id = this.identifier();
        this.ws();
        if (this.peek() === 61 && this.src.charCodeAt(this.pos + 1) !== 61) {
          this.pos++;
          keyword = id;
        } else this.pos = save;
      }
      const value = this.expr();
      if (keyword !== undefined) {
        // Python's ast accepts a repeated keyword (only compiling rejects it) and BFCL's dict keeps the last.
        if (!this.opts.bfcl && kwargs.some((kw) => kw.name === keyword))
          this.fail('duplicate_argument', `keyword argument "${keyword}" repeated`, argPos);
        kwargs.push({ name: keyword, value, pos: argPos });
      } else {
        if (kwargs.length > 0) this.fail('syntax', 'positional argument follows keyword argument', argPos);
        args.push(value);
      }
      this.ws();
      const c = this.peek();
      if (c === 44) this.pos++;
      else if (c === 41) {
        this.pos++;
        break;
      } else
        this.fail(
          'syntax',
          c === -1
            ? 'the call is not closed with ")"'
            : `expected "," or ")" in the call's arguments but found "${this.src.slice(this.pos, this.pos + 12)}"`,
        );
    }
    return { k: 'call', func, args, kwargs, pos };
  }

  identifier(): string {
    const s = this.src;
    const start = this.pos;
    const c = s.charCodeAt(this.pos);
    if (!isIdStart(c) || (c > 127 && NON_ID_UNICODE.test(s[this.pos] ?? ''))) {
      this.fail(
        'syntax',
        this.pos >= this.n ? 'expected a name but the text ended' : `expected a name but found "${s.slice(this.pos, this.pos + 12)}"`,
      );
    }
    this.pos++;
    while (this.pos < this.n) {
      const d = s.charCodeAt(this.pos);
      if (!isIdPart(d) || (d > 127 && NON_ID_UNICODE.test(s[this.pos] ?? ''))) break;
      this.pos++;
    }
    return s.slice(start, this.pos);
  }

  private atom(): Expr {
    this.ws();
    const s = this.src;
    const pos = this.pos;
    const c = this.peek();
    if (c === -1) this.fail('syntax', 'expected a value but the text ended');
    if (c === 34 || c === 39) return this.strings();
    if (isDigit(c) || (c === 46 && isDigit(s.charCodeAt(pos + 1)))) return this.number();
    if (c === 91) {
      this.pos++;
      const items = this.sequence(93);
      return { k: 'list', items, pos };
    }
    if (c === 40) {
      this.pos++;
      this.ws();
      if (this.peek() === 41) {
        this.pos++;
        return { k: 'tuple', items: [], pos };
      }
      const first = this.expr();
      this.ws();
      if (this.peek() === 41) {
        this.pos++;
        return first; // parenthesised expression
      }
      this.expect(',');
      const rest = this.sequence(41);
      return { k: 'tuple', items: [first, ...rest], pos };
    }
    if (c === 123) return this.dictOrSet();
    if (c === 46 && s.startsWith('...', pos)) {
      this.pos += 3;
      return { k: 'const', v: '...', ellipsis: true, pos };
    }
    if (isIdStart(c)) {
      // string prefixes: r"", u"", b"", f"" and combinations
      const m = /^([rRuUbBfF]{1,2})(['"])/.exec(s.slice(pos, pos + 3));
      if (m) {
        const prefix = (m[1] ?? '').toLowerCase();
        if (prefix.includes('b')) this.fail('unsupported', 'bytes literals are not supported', pos);
        if (prefix.includes('f')) this.fail('unsupported', 'f-strings are not supported', pos);
        return this.strings();
      }
      const id = this.identifier();
      switch (id) {
        case 'True':
          return { k: 'const', v: true, pos };
        case 'False':
          return { k: 'const', v: false, pos };
        case 'None':
          return { k: 'const', v: null, pos };
      }
      if (this.opts.jsonLiterals) {
        if (id === 'true') return { k: 'const', v: true, pos };
        if (id === 'false') return { k: 'const', v: false, pos };
        if (id === 'null') return { k: 'const', v: null, pos };
      }
      if (this.opts.spacedNames) {
        // `Get Weather(` : words separated by single spaces, directly followed by "(".
        const m2 = /^((?: [\p{L}_][\p{L}\p{N}_.]*)+)\s*\(\s*(?:\)|[\p{L}_][\p{L}\p{N}_]*\s*=(?!=))/uy;
        m2.lastIndex = 0;
        const tail = m2.exec(s.slice(this.pos, Math.min(this.n, this.pos + 200)));
        if (tail && tail[1]) {
          this.pos += tail[1].length;
          return { k: 'name', id: id + tail[1], pos };
        }
      }
      return { k: 'name', id, pos };
    }
    this.fail('syntax', `unexpected "${s.slice(pos, pos + 12)}"`);
  }

  /** Items up to the closing bracket (code), with an optional trailing comma. */
  private sequence(close: number): Expr[] {
    const items: Expr[] = [];
    for (;;) {
      this.ws();
      if (this.peek() === close) {
        this.pos++;
        return items;
      }
      items.push(this.expr());
      this.ws();
      const c = this.peek();
      if (c === 44) this.pos++;
      else if (c === close) {
        this.pos++;
        return items;
      } else
        this.fail(
          'syntax',
          c === -1
            ? `"${String.fromCharCode(close === 93 ? 91 : 40)}" is not closed`
            : `expected "," or "${String.fromCharCode(close)}" but found "${this.src.slice(this.pos, this.pos + 12)}"`,
        );
    }
  }

  private dictOrSet(): Expr {
    const pos = this.pos++;
    this.ws();
    if (this.peek() === 125) {
      this.pos++;
      return { k: 'dict', keys: [], values: [], pos };
    }
    if (this.peek() === 42) this.fail('unsupported', '** unpacking is not supported', this.pos);
    const first = this.expr();
    this.ws();
    if (this.peek() !== 58) {
      const items = [first];
      if (this.peek() === 44) {
        this.pos++;
        items.push(...this.sequence(125));
      } else this.expect('}');
      return { k: 'set', items, pos };
    }
    this.pos++;
    const keys = [first];
    const values = [this.expr()];
    for (;;) {
      this.ws();
      const c = this.peek();
      if (c === 125) {
        this.pos++;
        break;
      }
      if (c !== 44)
        this.fail(
          'syntax',
          c === -1 ? '"{" is not closed' : `expected "," or "}" in a dict but found "${this.src.slice(this.pos, this.pos + 12)}"`,
        );
      this.pos++;
      this.ws();
      if (this.peek() === 125) {
        this.pos++;
        break;
      }
      keys.push(this.expr());
      this.expect(':');
      values.push(this.expr());
    }
    return { k: 'dict', keys, values, pos };
  }

  private number(): Expr {
    const s = this.src;
    const pos = this.pos;
    const re = /0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d[\d_]*)?|\d[\d_]*\./y;
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m || m[0].length === 0) this.fail('syntax', 'bad number', pos);
    let text = m[0];
    let end = pos + text.length;
    // "5." followed by a digit-less tail: Python accepts `5.` as a float
    if (s.charCodeAt(end) === 46 && !/[.eExXoObB]/.test(text) && !isIdStart(s.charCodeAt(end + 1))) {
      text += '.';
      end++;
    }
    const next = s.charCodeAt(end);
    if (next === 106 || next === 74) this.fail('unsupported', 'complex numbers are not supported', pos);
    if (isIdPart(next) && end < this.n) this.fail('syntax', `invalid number "${s.slice(pos, end + 1)}"`, pos);
    this.pos = end;
    const clean = text.replace(/_/g, '');
    if (/^0[xXoObB]/.test(clean)) return { k: 'const', v: Number(clean), pos };
    if (/[.eE]/.test(clean)) return { k: 'const', v: new PyFloat(Number(clean)), pos };
    if (clean.length > 1 && clean.startsWith('0') && /[1-9]/.test(clean)) {
      this.fail('syntax', 'leading zeros in a decimal integer are not allowed', pos);
    }
    return { k: 'const', v: Number(clean), pos };
  }

  /** One or more adjacent string literals (Python joins them). */
  private strings(): Expr {
    const pos = this.pos;
    let out = this.stringLiteral();
    for (;;) {
      const save = this.pos;
      this.ws();
      const c = this.peek();
      if (c === 34 || c === 39 || (isIdStart(c) && /^[rRuU]{1,2}['"]/.test(this.src.slice(this.pos, this.pos + 3)))) {
        out += this.stringLiteral();
      } else {
        this.pos = save;
        return { k: 'const', v: out, pos };
      }
    }
  }

  private stringLiteral(): string {
    const s = this.src;
    const start = this.pos;
    let raw = false;
    while (isIdStart(s.charCodeAt(this.pos))) {
      const p = s[this.pos];
      if (p === 'r' || p === 'R') raw = true;
      this.pos++;
    }
    const q = s.charCodeAt(this.pos);
    const triple = s.charCodeAt(this.pos + 1) === q && s.charCodeAt(this.pos + 2) === q;
    this.pos += triple ? 3 : 1;
    let out = '';
    let chunk = this.pos;
    for (;;) {
      if (this.pos >= this.n) this.fail('unterminated_string', 'a string is not closed', start);
      const c = s.charCodeAt(this.pos);
      if (c === q) {
        if (!triple) {
          out += s.slice(chunk, this.pos);
          this.pos++;
          return out;
        }
        if (s.charCodeAt(this.pos + 1) === q && s.charCodeAt(this.pos + 2) === q) {
          out += s.slice(chunk, this.pos);
          this.pos += 3;
          return out;
        }
        this.pos++;
      } else if (c === C_LF && !triple) {
        this.fail('unterminated_string', 'a string is not closed before the end of the line', start);
      } else if (c === C_BSLASH) {
        if (raw) {
          this.pos += 2;
          continue;
        }
        out += s.slice(chunk, this.pos);
        out += this.escape();
        chunk = this.pos;
      } else this.pos++;
    }
  }

  private escape(): string {
    const s = this.src;
    const at = this.pos;
    const e = s[this.pos + 1];
    this.pos += 2;
    switch (e) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '\\':
        return '\\';
      case "'":
        return "'";
      case '"':
        return '"';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case '\n':
        return '';
      case '\r':
        if (s[this.pos] === '\n') this.pos++;
        return '';
      case '/':
        return this.opts.jsonLiterals ? '/' : '\\/';
      case 'x':
        return this.hexEscape(2, at);
      case 'u':
        return this.hexEscape(4, at);
      case 'U':
        return this.hexEscape(8, at);
      case undefined:
        return this.fail('unterminated_string', 'a string is not closed', at);
      default:
        if (e >= '0' && e <= '7') {
          let digits = e;
          while (digits.length < 3 && /[0-7]/.test(s[this.pos] ?? '')) digits += s[this.pos++];
          return String.fromCharCode(parseInt(digits, 8));
        }
        return `\\${e}`; // Python keeps unknown escapes as written
    }
  }

  private hexEscape(len: number, at: number): string {
    const hex = this.src.slice(this.pos, this.pos + len);
    if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex))
      this.fail('syntax', `bad \\${len === 2 ? 'x' : len === 4 ? 'u' : 'U'} escape`, at);
    this.pos += len;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) this.fail('syntax', 'escape is beyond Unicode', at);
    return len === 8 ? String.fromCodePoint(code) : String.fromCharCode(code);
  }
}

/**
 * The name BFCL's `resolve_ast_call` gives a call's function: the attribute names down to the first thing that
 * is not an attribute, plus that thing when it is a name (`foo().f` is `f`, `a.b().c.f` is `c.f`).
 */
export function bfclCallName(e: Expr): string {
  const parts: string[] = [];
  let at = e;
  while (at.k === 'attr') {
    parts.push(at.attr);
    at = at.value;
  }
  if (at.k === 'name') parts.push(at.id);
  return parts.reverse().join('.');
}

/** The dotted name of a call's function (`pkg.mod.f`), or undefined when it is not a plain name. */
export function dottedName(e: Expr): string | undefined {
  if (e.k === 'name') return e.id;
  if (e.k === 'attr') {
    const base = dottedName(e.value);
    return base === undefined ? undefined : `${base}.${e.attr}`;
  }
  return undefined;
}
