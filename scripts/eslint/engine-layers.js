/**
 * ESLint rule `toolsmith/engine-layers`: the engine's tiers and no cycles between its folders, in the spirit
 * of VS Code's code-layering. Tiers, lowest first: `lib/` (GGUF, sandbox, random, JSON columns) imports no
 * other engine folder; `db/` only `lib/`; `workspace/` `lib/` and `db/`; `core/` (the context, events, the
 * `Handlers` type, engine errors) those three. Domains may import any tier and each other, but no import may
 * close a cycle between folders; nothing in the engine imports the composition root `api.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';

const TIERS = { lib: 0, db: 1, workspace: 2, core: 3 };
const SPEC = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function engineRootOf(file) {
  const marker = `${path.sep}src${path.sep}main${path.sep}engine${path.sep}`;
  const at = file.indexOf(marker);
  return at < 0 ? null : file.slice(0, at + marker.length - 1);
}

/** The folder an engine file belongs to ('api.ts' for the root module). */
function folderOf(root, file) {
  const rel = path.relative(root, file).split(path.sep);
  return rel.length > 1 ? rel[0] : rel[0].replace(/\.tsx?$/, '') + '.ts';
}

function resolveTarget(fromFile, spec) {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const cand of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(cand) && fs.statSync(cand).isFile()) return cand;
  }
  return base;
}

const graphs = new Map();
/** Folder → folders it imports, read from the files on disk once per lint run. */
function folderGraph(root) {
  if (graphs.has(root)) return graphs.get(root);
  const graph = new Map();
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(entry.name)) {
        const from = folderOf(root, full);
        const text = fs.readFileSync(full, 'utf8');
        for (const m of text.matchAll(SPEC)) {
          const target = resolveTarget(full, m[1]);
          if (!target.startsWith(root + path.sep)) continue;
          const to = folderOf(root, target);
          if (to === from) continue;
          if (!graph.has(from)) graph.set(from, new Set());
          graph.get(from).add(to);
        }
      }
    }
  };
  walk(root);
  graphs.set(root, graph);
  return graph;
}

/** A path of folders from `from` to `to`, or null. */
function pathBetween(graph, from, to) {
  const seen = new Set([from]);
  const queue = [[from]];
  while (queue.length) {
    const trail = queue.shift();
    for (const next of graph.get(trail[trail.length - 1]) ?? []) {
      if (next === to) return [...trail, next];
      if (!seen.has(next)) {
        seen.add(next);
        queue.push([...trail, next]);
      }
    }
  }
  return null;
}

export const engineLayers = {
  meta: { type: 'problem', schema: [], docs: { description: 'Engine tiers and no cycles between engine folders.' } },
  create(context) {
    const file = context.filename;
    const root = engineRootOf(file);
    if (!root) return {};
    const from = folderOf(root, file);
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = resolveTarget(file, spec);
      if (!target.startsWith(root + path.sep)) return;
      const to = folderOf(root, target);
      if (to === from) return;
      if (to === 'api.ts') {
        context.report({ node, message: `Nothing in the engine imports the composition root api.ts (from ${from}/).` });
        return;
      }
      const tierFrom = TIERS[from];
      if (tierFrom !== undefined && !(to in TIERS && TIERS[to] < tierFrom)) {
        const allowed = Object.keys(TIERS).filter((t) => TIERS[t] < tierFrom);
        context.report({
          node,
          message: `engine/${from}/ is a low tier: it may import only ${allowed.length ? allowed.map((t) => `${t}/`).join(', ') : 'nothing else in the engine'}, not ${to}/.`,
        });
        return;
      }
      const back = pathBetween(folderGraph(root), to, from);
      if (back) context.report({ node, message: `This import closes a cycle between engine folders: ${[from, ...back].join(' → ')}.` });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { 'engine-layers': engineLayers } };
