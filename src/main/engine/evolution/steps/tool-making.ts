import { insertSample, setGenerationProvenance } from '../../samples/samples-repo';
import { toolGenerationPrompt } from '../../subtasks/builders';
import { PROMPT_VERSION } from '../../subtasks/prompts';
import { parseToolsText } from '../../subtasks/tool-json';
import { insertVerdicts } from '../../subtasks/verdicts-repo';
import { allPassed, verifyToolsText } from '../../subtasks/verify';
import { insertGeneration, setQueryTools, setStage, toolMakingQueries } from '../rounds-repo';
import { roundOf, sampling, stoppedBefore, withGeneration, type Ctx } from './shared';

/**
 * Step 2, tool-making: for each new query the generating model writes candidate tools (sub-task 2), checked
 * by rule; valid new tools join the pool tools the query was written for. One query per commit.
 */
export async function toolMakingStep(ctx: Ctx, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  const queries = toolMakingQueries(ctx.db, round.id);
  let next = (ctx.checkpoint as { next?: number } | undefined)?.next ?? 0;
  let valid = (ctx.checkpoint as { valid?: number } | undefined)?.valid ?? 0;
  if (next < queries.length) {
    await withGeneration(ctx, round.base_model_id!, async ({ backend, modelId, remote }) => {
      for (; next < queries.length;) {
        ctx.throwIfAborted();
        const q = queries[next]!;
        const prompt = toolGenerationPrompt(q.text);
        const used = { ...sampling(s, seq * 104_729 + q.id), maxTokens: Math.max(s.maxTokens, 400) };
        // With grammar-constrained answers the tools come under the JSON grammar too: a weak model's free
        // answer to "list JSON tools" is prose or code (SmolLM2: 4 of 8 not JSON).
        const constrain = s.constrain === 'calls' ? ('json' as const) : ('none' as const);
        const r = await backend.generate({ messages: prompt.messages, tools: [], k: 1, sampling: used, constrain, signal: ctx.signal });
        const text = r.outputs[0]?.text ?? '';
        const parsed = parseToolsText(text);
        const verdicts = verifyToolsText(parsed);
        const ok = allPassed(verdicts);
        const poolTools = (JSON.parse(q.tools_json) as unknown[]).map((t) => t);
        // The tools offered for tool-using: the pool tools the query was written for, plus valid new ones.
        const offered = [...poolTools];
        if (parsed.ok) {
          const names = new Set(poolTools.map((t) => (t as { name?: string }).name));
          for (const t of parsed.tools)
            if (!names.has(t.name) && offered.length < 4)
              offered.push({ name: t.name, description: t.description, parameters: t.parameters });
        }
        const i = next;
        const provenance = { ...used, ...(remote ? { backend: remote } : {}) };
        ctx.commit(
          (db) => {
            const id = insertSample(db, {
              subtask: 'tool_generation',
              status: ok ? 'candidate' : 'rejected',
              roundId: round.id,
              modelId,
              queryId: q.id,
              queryText: q.text,
              input: { query: q.text },
              outputText: text,
            });
            if (id !== null) {
              setGenerationProvenance(db, id, {
                templateHash: r.templateHash,
                samplingJson: JSON.stringify({ ...provenance, k: 1, promptVersion: PROMPT_VERSION }),
              });
              insertVerdicts(db, id, 1, verdicts);
            }
            insertGeneration(db, {
              roundId: round.id,
              purpose: 'tool_making',
              queryId: q.id,
              prompt: { query: q.text, promptVersion: PROMPT_VERSION },
              outputs: [text],
              templateHash: r.templateHash,
              sampling: provenance,
              tokens: r.outputs[0]?.tokens ?? 0,
              ms: r.ms,
            });
            setQueryTools(db, q.id, offered);
          },
          { next: i + 1, valid: valid + (ok ? 1 : 0) },
        );
        if (ok) valid++;
        next = i + 1;
        ctx.progress(next, queries.length, 'making tools for new queries');
      }
    });
  }
  ctx.commit((db) => setStage(db, round.id, 'tool-using'), { next, valid });
  return { queries: queries.length, validToolSets: valid };
}
