/**
 * The fixed instructions of each sub-task. Short on purpose: the starter model reads them character by
 * character. Changing one changes every prompt's text, so the version is part of the provenance stored with
 * each sample (`PROMPT_VERSION`).
 */
export const PROMPT_VERSION = 'subtasks/2';

export const DOC_ADAPTION_INSTRUCTION = 'Write the JSON definition of this tool.';
export const TOOL_GENERATION_INSTRUCTION = 'List JSON tools that could answer this request.';
export const INVOCATION_INSTRUCTION = 'Call the tools that answer the request, or say no tool fits.';
export const REFINE_INSTRUCTION = 'Review the previous answer and give the corrected call list.';
export const QUERY_GENERATION_INSTRUCTION = 'Write a request a user could make with these tools.';

/** What the model answers when no tool fits (the irrelevance target). */
export const NO_TOOL_ANSWER = 'No tool fits this request.';
