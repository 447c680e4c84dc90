import { describe, expect, it } from 'vitest';
import { checkBfcl } from '../../src/main/engine/eval/bfcl-checker';
import { decodeBfcl } from '../../src/main/engine/eval/bfcl-decode';

/**
 * Where a quick reading of BFCL's checker would differ from what BFCL's own decoder does: each case here is
 * decided as BFCL decides it (Python's `ast` + `resolve_ast_call`, its tree-sitter Java/JavaScript decoders),
 * bugs included, so that verdicts match the leaderboard's (docs/evaluation.md lists them).
 */

function calls(text: string, language: 'python' | 'java' | 'javascript' = 'python', quirks: 'bfcl' | 'fixed' = 'bfcl') {
  const r = decodeBfcl(text, language, quirks);
  if (!r.ok) return r.error;
  return r.calls?.map((c) => ({ name: c.name, args: Object.fromEntries(c.args) })) ?? null;
}

const PY_TOOL = {
  name: 'f',
  description: 'f',
  parameters: { type: 'dict', properties: { a: { type: 'integer' } }, required: ['a'] },
};
const pyCheck = (output: string, a = 2) => checkBfcl({ category: 'simple', tools: [PY_TOOL], answer: [{ f: { a: [a] } }], output });

describe('Python outputs, as ast.parse and resolve_ast_call read them', () => {
  it('a repeated keyword argument keeps its last value (ast accepts it; only compiling rejects it)', () => {
    expect(calls('f(a=1, a=2)')).toEqual([{ name: 'f', args: { a: 2 } }]);
    expect(pyCheck('[f(a=1, a=2)]').valid).toBe(true);
    expect(pyCheck('[f(a=2, a=1)]').errorType).toBe('value_error:others');
  });

  it('a starred argument is a positional one, ignored, wherever it stands', () => {
    expect(calls('f(a=2, *[1])')).toEqual([{ name: 'f', args: { a: 2 } }]);
    expect(calls('f(*[1], a=2)')).toEqual([{ name: 'f', args: { a: 2 } }]);
    expect(pyCheck('[f(a=2, *[1])]').valid).toBe(true);
    // `**kwargs` has no name BFCL could key it by: still refused.
    expect(calls('f(a=2, **{"b": 1})')).toMatch(/Failed to decode AST/);
  });

  it('a function reached through a call is named by the attributes after it', () => {
    expect(calls('foo().f(a=2)')).toEqual([{ name: 'f', args: { a: 2 } }]);
    expect(calls('a.b().c.f(a=2)')).toEqual([{ name: 'c.f', args: { a: 2 } }]);
    expect(pyCheck('[foo().f(a=2)]').valid).toBe(true);
  });

  it('a trailing # comment without brackets comments out the "]" BFCL appends, so decoding fails', () => {
    expect(calls('f(a=2) # the call')).toMatch(/'\[' was never closed/);
    expect(pyCheck('f(a=2) # the call').errorType).toBe('ast_decoder:decoder_failed');
    // With the list closed before the comment, the appended "]" is harmless inside it.
    expect(pyCheck('[f(a=2)] # the call').valid).toBe(true);
    // A "#" inside a string is no comment.
    expect(calls('f(a="#2")')).toEqual([{ name: 'f', args: { a: '#2' } }]);
  });
});

describe('Java and JavaScript outputs, as the tree-sitter decoders read them', () => {
  it('several statements or a wrapper around the call: the first call is taken', () => {
    for (const language of ['java', 'javascript'] as const) {
      expect(calls('f(a=1); g(b=2)', language)).toEqual([{ name: 'f', args: { a: '1' } }]);
      expect(calls('return f(a="x");', language)).toEqual([{ name: 'f', args: { a: 'x' } }]);
    }
    expect(calls('Object r = f(a=1);', 'java')).toEqual([{ name: 'f', args: { a: '1' } }]);
    expect(calls('Map<String, Object> r = obj.f(a=1);', 'java')).toEqual([{ name: 'obj.f', args: { a: '1' } }]);
    expect(calls('const r = f(a=1);', 'javascript')).toEqual([{ name: 'f', args: { a: '1' } }]);
    expect(calls('r = f(a=1)', 'javascript')).toEqual([{ name: 'f', args: { a: '1' } }]);
  });

  it('Java double-brace HashMap / ArrayList initialisers read as empty (a BFCL bug, followed by default)', () => {
    const text = 'f(m=new HashMap<String, Object>() {{ put("k", "v"); }}, l=new ArrayList<Integer>() {{ add(1); }})';
    expect(calls(text, 'java')).toEqual([{ name: 'f', args: { m: 'new HashMap<String, Object>()', l: 'new ArrayList<Integer>()' } }]);
    expect(calls(text, 'java', 'fixed')).toEqual([
      { name: 'f', args: { m: 'new HashMap<String, Object>() {{ put("k", "v"); }}', l: 'new ArrayList<Integer>() {{ add(1); }}' } },
    ]);
    const tool = {
      name: 'f',
      description: 'f',
      parameters: { type: 'dict', properties: { m: { type: 'HashMap' } }, required: ['m'] },
    };
    const input = {
      category: 'simple_java',
      tools: [tool],
      answer: [{ f: { m: [{ k: ['v'] }] } }],
      output: 'f(m=new HashMap<String, Object>() {{ put("k", "v"); }})',
    };
    expect(checkBfcl(input).valid).toBe(false);
    expect(checkBfcl({ ...input, decoder: 'bfcl-fixed' }).valid).toBe(true);
  });

  it('JavaScript template literals keep their backticks (a BFCL bug, followed by default)', () => {
    expect(calls('f(s=`hi`)', 'javascript')).toEqual([{ name: 'f', args: { s: '`hi`' } }]);
    expect(calls('f(s=`hi`)', 'javascript', 'fixed')).toEqual([{ name: 'f', args: { s: 'hi' } }]);
    const input = {
      category: 'simple_javascript',
      tools: [{ name: 'f', description: 'f', parameters: { type: 'dict', properties: { s: { type: 'String' } }, required: ['s'] } }],
      answer: [{ f: { s: ['hi'] } }],
      output: 'f(s=`hi`)',
    };
    expect(checkBfcl(input).valid).toBe(false);
    expect(checkBfcl({ ...input, decoder: 'bfcl-fixed' }).valid).toBe(true);
    expect(checkBfcl({ ...input, output: 'f(s="hi")' }).valid).toBe(true);
  });
});
