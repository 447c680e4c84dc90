/**
 * Checker and parser throughput on the BFCL files (../shared/bfcl), each as a ratio to JSON.parse of the same
 * answers in JSON form measured in the same run. Target: ≥ 100 k checks/s.
 *
 * - checks/s: decode + BFCL check of one raw output against a prepared item (answer parsed once, as an
 *   evaluation run does), over the printed ground truths of all answered categories plus irrelevance.
 * - parser MB/s: `parseCalls` on the same outputs; JSON.parse on `[{"name", "arguments"}]` of the same calls.
 */
import os from 'node:os';
import { checkPrepared, languageOf, prepareBfcl, type PreparedBfclItem } from '../src/main/engine/eval/bfcl-checker';
import { parseCalls } from '../src/main/engine/tools/call-parse';
import { ANSWERED, groundTruthCalls, loadItems, loadQuestions, printCallsText } from '../test/eval/bfcl-fixtures';

interface Case {
  item: PreparedBfclItem;
  output: string;
  json: string;
}

const cases: Case[] = [];
for (const category of ANSWERED) {
  for (const item of loadItems(category)) {
    const language = languageOf(category);
    const calls = groundTruthCalls(item, language);
    const output = printCallsText(calls);
    const json = JSON.stringify(calls.map((c) => ({ name: c.name, arguments: Object.fromEntries(c.args) })));
    cases.push({ item: prepareBfcl({ category, tools: item.functions, answer: item.answerText }), output, json });
    // A wrong variant of each item as well: checkers spend time on failures too.
    cases.push({ item: cases[cases.length - 1]!.item, output: output.replace(/\(/, '_x('), json });
  }
}
for (const q of loadQuestions('irrelevance')) {
  cases.push({
    item: prepareBfcl({ category: 'irrelevance', tools: q.function, answer: [] }),
    output: 'I cannot help with that.',
    json: '[]',
  });
}
const pythonOutputs = cases.filter((c) => c.item.language === 'python').map((c) => c.output);
const outputBytes = pythonOutputs.reduce((n, s) => n + Buffer.byteLength(s), 0);
const jsonTexts = cases.filter((c) => c.item.language === 'python').map((c) => c.json);
const jsonBytes = jsonTexts.reduce((n, s) => n + Buffer.byteLength(s), 0);

/**
 * Passes per second of each pass, best of several windows. The windows of the passes take turns, so that on a
 * shared machine whose load comes and goes each ratio compares passes measured under the same load.
 */
function rates(passes: Record<string, () => void>, rounds = 5, ms = 400): Record<string, number> {
  const best: Record<string, number> = {};
  for (const pass of Object.values(passes)) for (let i = 0; i < 3; i++) pass(); // warm up
  for (let r = 0; r < rounds; r++) {
    for (const [name, pass] of Object.entries(passes)) {
      let n = 0;
      const start = performance.now();
      while (performance.now() - start < ms) {
        pass();
        n++;
      }
      best[name] = Math.max(best[name] ?? 0, n / ((performance.now() - start) / 1000));
    }
  }
  return best;
}

let sink = 0;
const {
  check: checkPasses = 0,
  parse: parsePasses = 0,
  json: jsonPasses = 0,
} = rates({
  check: () => {
    for (const c of cases) sink += checkPrepared(c.item, c.output).valid ? 1 : 0;
  },
  parse: () => {
    for (const o of pythonOutputs) sink += parseCalls(o).ok ? 1 : 0;
  },
  json: () => {
    for (const j of jsonTexts) sink += (JSON.parse(j) as unknown[]).length;
  },
});

const checksPerSecond = checkPasses * cases.length;
const jsonParsesPerSecond = jsonPasses * jsonTexts.length;
const parserMBs = (parsePasses * outputBytes) / 1e6;
const jsonMBs = (jsonPasses * jsonBytes) / 1e6;

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(`cases: ${cases.length} (${pythonOutputs.length} Python outputs, ${(outputBytes / 1024).toFixed(0)} KiB)`);
console.log(
  `checker: ${fmt(checksPerSecond)} checks/s   (JSON.parse of the answers: ${fmt(jsonParsesPerSecond)} parses/s; ratio ${(checksPerSecond / jsonParsesPerSecond).toFixed(2)})`,
);
console.log(
  `parser:  ${parserMBs.toFixed(2)} MB/s   (JSON.parse of the same calls as JSON: ${jsonMBs.toFixed(2)} MB/s; ratio ${(parserMBs / jsonMBs).toFixed(2)})`,
);
console.log(
  `load average (1 min): ${os.loadavg()[0]?.toFixed(2)} on ${os.cpus().length} cores (the numbers above are lower on a busy machine)`,
);
console.log(`target ≥ 100,000 checks/s: ${checksPerSecond >= 100_000 ? 'met' : 'NOT met'} on this machine`);
if (sink < 0) console.log(sink);
