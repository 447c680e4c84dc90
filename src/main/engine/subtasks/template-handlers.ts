import { ApiError } from '../../../shared/contract/errors';
import type { templatesMethods } from '../../../shared/contract/templates';
import type { Handlers } from '../core/handlers';
import { invocationPrompt, queryGenerationPrompt, refinementPrompt } from './builders';
import { normalizeTools, ToolValidationError } from '../tools/normalize';
import { chatTemplateFromMetadata, renderChat } from '../inference/chat-render';
import { readGguf } from '../lib/gguf/read';
import { callFormatOverride, specialTokenTexts, splitSpecial } from '../models/model-template';
import { getModel, setCallFormat } from '../models/registry';

export const templateHandlers: Handlers<typeof templatesMethods> = {
  'models.prompt': async ({ model: ref, tools: rawTools, message, kind, previous }, ctx) => {
    const model = getModel(ctx.db, ctx.workspace.modelsDir, ref);
    let tools;
    try {
      tools = normalizeTools(rawTools, 'tools');
    } catch (error) {
      if (error instanceof ToolValidationError) throw new ApiError('invalid_input', error.message, { field: 'tools' });
      throw error;
    }
    const { metadata } = await readGguf(model.path);
    const override = callFormatOverride(model);
    const template = chatTemplateFromMetadata(metadata, override);
    const prompt =
      kind === 'query'
        ? queryGenerationPrompt(tools)
        : kind === 'refinement'
          ? refinementPrompt(message, tools, previous ?? '[]')
          : invocationPrompt(message, tools);
    const text = renderChat(template, prompt);
    return {
      model: model.name,
      segments: splitSpecial(text, specialTokenTexts(metadata)),
      text,
      templateHash: template.hash,
      templateSource: template.source,
      toolMode: template.toolMode,
      callFormat: template.callFormat,
      callFormatSource: override ? 'override' : 'detected',
      warning: template.warning ?? null,
    };
  },
  'models.setCallFormat': ({ model, callFormat }, ctx) => setCallFormat(ctx.db, ctx.workspace.modelsDir, model, callFormat),
};
