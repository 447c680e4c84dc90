/**
 * Turns parsed Python expressions into values the way BFCL's decoder does (`resolve_ast_by_type`): a bare
 * name becomes its text, a nested call with keywords becomes `{name: {args}}`, a call without keywords its
 * source text, arithmetic is evaluated. In strict (BFCL) mode the cases BFCL's decoder rejects are rejected.
 */
import { bfclCallName, dottedName, PyParseError, type Expr } from './py-parse';
import { PyFloat, PyTuple, pyRepr, reprFloat, type PyDict, type PyValue } from './py-value';

export interface TypedCall {
  name: string;
  args: Map<string, PyValue>;
  /** Positional arguments, which BFCL's decoder ignores. */
  positional: number;
  pos: number;
}

export function resolveCall(e: Extract<Expr, { k: 'call' }>, strict: boolean): TypedCall {
  const name = strict ? bfclCallName(e.func) : dottedName(e.func);
  if (name === undefined) throw new PyParseError('syntax', 'the called thing is not a name', e.pos);
  const args = new Map<string, PyValue>();
  for (const kw of e.kwargs) args.set(kw.name, resolveValue(kw.value, strict));
  return { name, args, positional: e.args.length, pos: e.func.pos };
}

export function resolveValue(e: Expr, strict: boolean): PyValue {
  switch (e.k) {
    case 'const':
      return e.v;
    case 'name':
      return e.id;
    case 'list':
      return e.items.map((item) => resolveValue(item, strict));
    case 'tuple':
      return new PyTuple(e.items.map((item) => resolveValue(item, strict)));
    case 'dict': {
      const out: PyDict = new Map();
      e.keys.forEach((key, i) => {
        const k = resolveValue(key, strict);
        out.set(typeof k === 'string' ? k : pyRepr(k), resolveValue(e.values[i] as Expr, strict));
      });
      return out;
    }
    case 'call': {
      if (e.kwargs.length === 0) return unparse(e);
      const call = resolveCall(e, strict);
      const inner: PyDict = new Map(call.args);
      return new Map([[call.name, inner]]);
    }
    case 'unary': {
      // BFCL negates the operand's constant whatever the operator; we do so only for "-" and "+".
      if (e.operand.k !== 'const' || e.operand.ellipsis || typeof e.operand.v === 'string' || e.operand.v === null) {
        if (!strict && e.op === '-') return negate(resolveValue(e.operand, strict), e.pos);
        throw new PyParseError('unsupported', `unsupported use of unary "${e.op}"`, e.pos);
      }
      if (e.op === '+' && !strict) return e.operand.v;
      return negate(e.operand.v, e.pos);
    }
    case 'binop':
      return evaluate(e.op, resolveValue(e.left, strict), resolveValue(e.right, strict), e.pos);
    case 'subscript':
      return `${unparse(e.value)}[${unparse(e.index)}]`;
    case 'attr':
      if (strict) throw new PyParseError('unsupported', `attribute access "${unparse(e)}" is not a value`, e.pos);
      return unparse(e);
    case 'set':
      throw new PyParseError('unsupported', 'sets are not supported as argument values', e.pos);
  }
}

function negate(v: PyValue, pos: number): PyValue {
  if (typeof v === 'number') return -v;
  if (typeof v === 'boolean') return v ? -1 : 0;
  if (v instanceof PyFloat) return new PyFloat(-v.value);
  throw new PyParseError('unsupported', 'only numbers can be negated', pos);
}

function num(v: PyValue): { n: number; float: boolean } | undefined {
  if (typeof v === 'number') return { n: v, float: false };
  if (typeof v === 'boolean') return { n: v ? 1 : 0, float: false };
  if (v instanceof PyFloat) return { n: v.value, float: true };
  return undefined;
}

/** Python arithmetic on constants (BFCL evaluates `BinOp`s). */
function evaluate(op: string, l: PyValue, r: PyValue, pos: number): PyValue {
  const a = num(l);
  const b = num(r);
  if (a && b) {
    const float = a.float || b.float;
    const wrap = (x: number, isFloat: boolean) => (isFloat ? new PyFloat(x) : x);
    switch (op) {
      case '+':
        return wrap(a.n + b.n, float);
      case '-':
        return wrap(a.n - b.n, float);
      case '*':
        return wrap(a.n * b.n, float);
      case '/':
        if (b.n === 0) throw new PyParseError('unsupported', 'division by zero', pos);
        return new PyFloat(a.n / b.n);
      case '//':
        if (b.n === 0) throw new PyParseError('unsupported', 'division by zero', pos);
        return wrap(Math.floor(a.n / b.n), float);
      case '%':
        if (b.n === 0) throw new PyParseError('unsupported', 'division by zero', pos);
        return wrap(a.n - b.n * Math.floor(a.n / b.n), float);
      case '**':
        return wrap(a.n ** b.n, float || b.n < 0);
    }
  }
  if (op === '+' && typeof l === 'string' && typeof r === 'string') return l + r;
  if (op === '+' && Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
  if (op === '*' && typeof l === 'string' && b && !b.float) return l.repeat(Math.max(0, b.n));
  throw new PyParseError('unsupported', `cannot evaluate "${op}" on these values`, pos);
}

/** Source text of an expression in the style of Python's `ast.unparse`. */
export function unparse(e: Expr): string {
  switch (e.k) {
    case 'const':
      if (e.ellipsis) return '...';
      return e.v instanceof PyFloat ? reprFloat(e.v.value) : pyRepr(e.v);
    case 'name':
      return e.id;
    case 'attr':
      return `${unparse(e.value)}.${e.attr}`;
    case 'list':
      return `[${e.items.map(unparse).join(', ')}]`;
    case 'tuple':
      return e.items.length === 1 ? `(${unparse(e.items[0] as Expr)},)` : `(${e.items.map(unparse).join(', ')})`;
    case 'set':
      return `{${e.items.map(unparse).join(', ')}}`;
    case 'dict':
      return `{${e.keys.map((k, i) => `${unparse(k)}: ${unparse(e.values[i] as Expr)}`).join(', ')}}`;
    case 'call':
      return `${unparse(e.func)}(${[...e.args.map(unparse), ...e.kwargs.map((kw) => `${kw.name}=${unparse(kw.value)}`)].join(', ')})`;
    case 'unary':
      return `${e.op}${unparse(e.operand)}`;
    case 'binop':
      return `${unparse(e.left)} ${e.op} ${unparse(e.right)}`;
    case 'subscript':
      return `${unparse(e.value)}[${unparse(e.index)}]`;
  }
}
