import { useState } from 'react';
import type { ToolProblem } from '../../../../shared/contract/tools';
import { parseJsonOrLines } from '../../../../shared/json';
import { useClient } from '../../api/client';

export interface ImportMessage {
  color: 'red' | 'teal';
  text: string;
}

/**
 * Importing a tools file chosen in the browser: read as JSON or JSON Lines by the parser the CLI uses (an
 * error names the file and line), checked whole by the engine first (each problem names the tool's field),
 * and imported only when every definition is valid.
 */
export function useToolsImport(pool: string | null) {
  const client = useClient();
  const [problems, setProblems] = useState<ToolProblem[]>([]);
  const [message, setMessage] = useState<ImportMessage | null>(null);
  // A File's name and text are all it reads (a browser's File, or Node's in tests: jsdom has no Blob.text).
  const importFile = async (file: Pick<File, 'name' | 'text'>) => {
    setProblems([]);
    setMessage(null);
    try {
      const raw = parseJsonOrLines(await file.text(), file.name);
      const checked = await client.call('tools.validate', { tools: raw as never });
      if (!checked.ok) {
        setProblems(checked.problems);
        setMessage({
          color: 'red',
          text: `${file.name}: ${checked.problems.length} tool definition(s) are not valid; nothing was imported.`,
        });
        return;
      }
      const result = await client.call('tools.import', { tools: raw as never, pool: pool ?? 'default', source: file.name });
      setMessage({ color: 'teal', text: `Imported ${result.imported} tool(s) into "${result.pool}".` });
    } catch (error) {
      setMessage({ color: 'red', text: (error as Error).message });
    }
  };
  return { importFile, problems, message, dismiss: () => setMessage(null) };
}
