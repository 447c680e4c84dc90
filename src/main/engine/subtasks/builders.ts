import { toToolSpec } from '../tools/normalize';
import { printCalls } from '../tools/call-print';
import type { ToolDef } from '../tools/types';
import {
  DOC_ADAPTION_INSTRUCTION,
  INVOCATION_INSTRUCTION,
  NO_TOOL_ANSWER,
  QUERY_GENERATION_INSTRUCTION,
  REFINE_INSTRUCTION,
  TOOL_GENERATION_INSTRUCTION,
} from './prompts';
import { printTool, printTools } from './tool-json';
import type { SubtaskExample, ToolUse } from './types';

/**
 * ToolACE-DEV's decomposition: every tool-use sample (query, tools, calls) yields training conversations
 * for the three sub-tasks. Prompts are built here and nowhere else, so that data generation, training
 * and evaluation see the same text.
 */

/** A tool's short description: its first sentence (what doc adaption starts from). */
export function shortDescription(description: string): string {
  const first = /^[\s\S]*?[.!?](?=\s|$)/.exec(description.trim());
  return (first ? first[0] : description.trim()).slice(0, 160);
}

// ---- doc adaption ----------------------------------------------------------------------------------

export function docAdaptionPrompt(tool: Pick<ToolDef, 'name' | 'description'>): Omit<SubtaskExample, 'target'> {
  return {
    subtask: 'doc_adaption',
    messages: [
      { role: 'system', content: DOC_ADAPTION_INSTRUCTION },
      { role: 'user', content: `${tool.name}: ${shortDescription(tool.description)}` },
    ],
    tools: [],
  };
}

/** One example per distinct tool the sample offers. */
export function buildDocAdaption(sample: ToolUse): SubtaskExample[] {
  return sample.tools.map((tool) => ({ ...docAdaptionPrompt(tool), target: printTool(tool) }));
}

// ---- query-aware tool generation -------------------------------------------------------------------

export function toolGenerationPrompt(query: string): Omit<SubtaskExample, 'target'> {
  return {
    subtask: 'tool_generation',
    messages: [
      { role: 'system', content: TOOL_GENERATION_INSTRUCTION },
      { role: 'user', content: query },
    ],
    tools: [],
  };
}

/**
 * The tools that serve the query: those its calls use, in call order. A sample where no tool fits teaches
 * nothing about making tools for it, so it yields no example.
 */
export function buildToolGeneration(sample: ToolUse): SubtaskExample[] {
  if (!sample.calls || sample.calls.length === 0) return [];
  const byName = new Map(sample.tools.map((t) => [t.name, t]));
  const used: ToolDef[] = [];
  for (const call of sample.calls) {
    const tool = byName.get(call.name);
    if (tool && !used.includes(tool)) used.push(tool);
  }
  if (used.length === 0) return [];
  return [{ ...toolGenerationPrompt(sample.query), target: printTools(used) }];
}

// ---- invocation --------------------------------------------------------------------------------------

export function invocationPrompt(query: string, tools: readonly ToolDef[]): Omit<SubtaskExample, 'target'> {
  return {
    subtask: 'invocation',
    messages: [
      { role: 'system', content: INVOCATION_INSTRUCTION },
      { role: 'user', content: query },
    ],
    tools: tools.map(toToolSpec),
  };
}

/** The target text of a tool-use sample: the canonical call list, or the refusal in words. */
export function invocationTarget(sample: Pick<ToolUse, 'calls' | 'answerText'>): string {
  return sample.calls && sample.calls.length > 0 ? printCalls(sample.calls) : (sample.answerText ?? NO_TOOL_ANSWER);
}

export function buildInvocation(sample: ToolUse): SubtaskExample[] {
  return [{ ...invocationPrompt(sample.query, sample.tools), target: invocationTarget(sample) }];
}

// ---- refinement (ToolACE-R) ---------------------------------------------------------------------------

/**
 * The refine prompt: the query, the previous answer and the fixed instruction in one user turn, so that
 * a training example learns only the corrected answer, never the previous (possibly wrong) one.
 */
export function refinementPrompt(query: string, tools: readonly ToolDef[], previous: string): Omit<SubtaskExample, 'target'> {
  return {
    subtask: 'refinement',
    messages: [
      { role: 'system', content: INVOCATION_INSTRUCTION },
      { role: 'user', content: `${query}\nPrevious answer: ${previous}\n${REFINE_INSTRUCTION}` },
    ],
    tools: tools.map(toToolSpec),
  };
}

// ---- query generation (queries in) ---------------------------------------------------------------------

/**
 * The prompt with which the model writes a new query for pool tools (the "queries in" step). The tools are
 * part of the user turn, not the template's `tools`: the model is to write a request, and a template given
 * tools would tell it to call them instead.
 */
export function queryGenerationPrompt(tools: readonly ToolDef[]): Omit<SubtaskExample, 'target'> {
  return {
    subtask: 'invocation',
    messages: [
      { role: 'system', content: QUERY_GENERATION_INSTRUCTION },
      { role: 'user', content: `Tools:\n${printTools(tools)}` },
    ],
    tools: [],
  };
}

/** Every sub-task's examples for one sample. */
export function decompose(sample: ToolUse): Record<'doc_adaption' | 'tool_generation' | 'invocation', SubtaskExample[]> {
  return { doc_adaption: buildDocAdaption(sample), tool_generation: buildToolGeneration(sample), invocation: buildInvocation(sample) };
}
