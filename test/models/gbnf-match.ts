/**
 * A small GBNF recogniser for tests: does a grammar (the subset Toolsmith writes: literals, character
 * classes, rule references, groups, `|`, `?`, `*`, `+`, `{m,n}`) accept a whole text? Matching follows every
 * path (sets of end positions), so it answers for the grammar as written, not for one greedy reading.
 */

type Node =
  | { k: 'lit'; text: string }
  | { k: 'class'; negated: boolean; ranges: [number, number][] }
  | { k: 'ref'; name: string }
  | { k: 'seq'; items: Node[] }
  | { k: 'alt'; options: Node[] }
  | { k: 'rep'; node: Node; min: number; max: number };

function unescape(src: string, i: number): [number, number] {
  // src[i] is the character after a backslash; returns [code point, next index].
  const c = src[i]!;
  const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', ']': ']', '[': '[', '-': '-', '/': '/' };
  if (c === 'x') return [parseInt(src.slice(i + 1, i + 3), 16), i + 3];
  if (c === 'u') return [parseInt(src.slice(i + 1, i + 5), 16), i + 5];
  if (c in simple) return [simple[c]!.codePointAt(0)!, i + 1];
  throw new Error(`unknown escape \\${c}`);
}

class Parser {
  i = 0;
  constructor(private readonly src: string) {}
  ws() {
    while (this.i < this.src.length && /\s/.test(this.src[this.i]!)) this.i++;
  }
  alt(): Node {
    const options = [this.seq()];
    this.ws();
    while (this.src[this.i] === '|') {
      this.i++;
      options.push(this.seq());
      this.ws();
    }
    return options.length === 1 ? options[0]! : { k: 'alt', options };
  }
  seq(): Node {
    const items: Node[] = [];
    for (;;) {
      this.ws();
      const c = this.src[this.i];
      if (c === undefined || c === '|' || c === ')') break;
      items.push(this.postfix(this.atom()));
    }
    return items.length === 1 ? items[0]! : { k: 'seq', items };
  }
  atom(): Node {
    const s = this.src;
    const c = s[this.i]!;
    if (c === '"') {
      this.i++;
      let text = '';
      while (s[this.i] !== '"') {
        if (this.i >= s.length) throw new Error('unterminated literal');
        if (s[this.i] === '\\') {
          const [code, next] = unescape(s, this.i + 1);
          text += String.fromCodePoint(code);
          this.i = next;
        } else text += s[this.i++];
      }
      this.i++;
      return { k: 'lit', text };
    }
    if (c === '[') {
      this.i++;
      const negated = s[this.i] === '^';
      if (negated) this.i++;
      const ranges: [number, number][] = [];
      const read = (): number => {
        if (s[this.i] === '\\') {
          const [code, next] = unescape(s, this.i + 1);
          this.i = next;
          return code;
        }
        const code = s.codePointAt(this.i)!;
        this.i += code > 0xffff ? 2 : 1;
        return code;
      };
      while (s[this.i] !== ']') {
        const lo = read();
        if (s[this.i] === '-' && s[this.i + 1] !== ']') {
          this.i++;
          ranges.push([lo, read()]);
        } else ranges.push([lo, lo]);
      }
      this.i++;
      return { k: 'class', negated, ranges };
    }
    if (c === '(') {
      this.i++;
      const inner = this.alt();
      this.ws();
      if (s[this.i] !== ')') throw new Error(`expected ) at ${this.i}`);
      this.i++;
      return inner;
    }
    const m = /^[a-zA-Z0-9-]+/.exec(s.slice(this.i));
    if (!m) throw new Error(`unexpected ${JSON.stringify(c)} at ${this.i}`);
    this.i += m[0].length;
    return { k: 'ref', name: m[0] };
  }
  postfix(node: Node): Node {
    const s = this.src;
    for (;;) {
      const c = s[this.i];
      if (c === '?') node = { k: 'rep', node, min: 0, max: 1 };
      else if (c === '*') node = { k: 'rep', node, min: 0, max: Infinity };
      else if (c === '+') node = { k: 'rep', node, min: 1, max: Infinity };
      else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i))!;
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        node = { k: 'rep', node, min, max };
        this.i += m[0].length - 1;
      } else return node;
      this.i++;
    }
  }
}

export function parseGbnf(grammar: string): Map<string, Node> {
  const rules = new Map<string, Node>();
  for (const line of grammar.split('\n')) {
    if (!line.trim()) continue;
    const at = line.indexOf('::=');
    if (at < 0) throw new Error(`not a rule: ${line}`);
    const p = new Parser(line.slice(at + 3));
    const node = p.alt();
    p.ws();
    if (p.i !== line.length - at - 3) throw new Error(`trailing text in rule ${line.slice(0, at)}`);
    rules.set(line.slice(0, at).trim(), node);
  }
  return rules;
}

/** True when the grammar's `root` derives exactly `text`. */
export function gbnfAccepts(grammar: string, text: string): boolean {
  const rules = parseGbnf(grammar);
  const chars = Array.from(text, (ch) => ch.codePointAt(0)!);
  const memo = new Map<string, Set<number>>();
  const match = (node: Node, at: number): Set<number> => {
    switch (node.k) {
      case 'lit': {
        const lit = Array.from(node.text, (ch) => ch.codePointAt(0)!);
        for (let j = 0; j < lit.length; j++) if (chars[at + j] !== lit[j]) return new Set();
        return new Set([at + lit.length]);
      }
      case 'class': {
        const c = chars[at];
        if (c === undefined) return new Set();
        const inside = node.ranges.some(([lo, hi]) => c >= lo && c <= hi);
        return inside !== node.negated ? new Set([at + 1]) : new Set();
      }
      case 'ref': {
        const key = `${node.name}@${at}`;
        const hit = memo.get(key);
        if (hit) return hit;
        const rule = rules.get(node.name);
        if (!rule) throw new Error(`undefined rule ${node.name}`);
        memo.set(key, new Set()); // no left recursion in our grammars; guards against it anyway
        const out = match(rule, at);
        memo.set(key, out);
        return out;
      }
      case 'seq': {
        let ends = new Set([at]);
        for (const item of node.items) {
          const next = new Set<number>();
          for (const e of ends) for (const x of match(item, e)) next.add(x);
          ends = next;
          if (ends.size === 0) break;
        }
        return ends;
      }
      case 'alt': {
        const out = new Set<number>();
        for (const o of node.options) for (const x of match(o, at)) out.add(x);
        return out;
      }
      case 'rep': {
        const out = new Set<number>();
        let frontier = new Set([at]);
        if (node.min === 0) out.add(at);
        const seen = new Set<number>([at]);
        for (let n = 1; n <= node.max && frontier.size > 0; n++) {
          const next = new Set<number>();
          for (const e of frontier) for (const x of match(node.node, e)) next.add(x);
          frontier = new Set([...next].filter((x) => n < node.min || !seen.has(x)));
          if (n >= node.min) for (const x of next) out.add(x);
          for (const x of next) seen.add(x);
        }
        return out;
      }
    }
  };
  return match({ k: 'ref', name: 'root' }, 0).has(chars.length);
}
