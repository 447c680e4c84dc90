import type { TrainExample } from '../../../shared/contract/train';
import { renderTrainingExample, type ChatTemplate } from '../inference/chat-render';
import type { ChatMessage, ToolSpec } from '../inference/backend';

/**
 * Renders conversations once, through the model's own chat template, into training examples (text plus
 * the assistant spans to learn). The template's hash goes with the run so that a result can be traced to
 * the exact rendering it learned.
 */
export function renderExamples(
  template: ChatTemplate,
  conversations: readonly { messages: readonly ChatMessage[]; tools?: readonly ToolSpec[] }[],
): { examples: TrainExample[]; templateHash: string } {
  const examples = conversations.map((c) => {
    const r = renderTrainingExample(template, c);
    return {
      text: r.text,
      spans: r.spans.map((s) => ({ start: s.start, end: s.end })),
      messages: c.messages.map((m) => ({ role: m.role, content: m.content })),
      tools: c.tools ? c.tools.map((t) => ({ type: 'function', function: t })) : undefined,
    };
  });
  return { examples, templateHash: template.hash };
}
