import { Alert, Button, Card, Group, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useClient, useEvent } from '../../api/client';
import { useAction } from '../../ui/useAction';

function FileField({ label, testId, onFile }: { label: string; testId: string; onFile: (file: File | null) => void }) {
  return (
    <label>
      <Text size="sm">{label}</Text>
      <input type="file" accept=".json,.jsonl" data-testid={testId} onChange={(e) => onFile(e.currentTarget.files?.[0] ?? null)} />
    </label>
  );
}

/** A BFCL question file and its possible answers, imported as an evaluation set; the outcome stays in place. */
export function ImportSetCard() {
  const client = useClient();
  const [questions, setQuestions] = useState<File | null>(null);
  const [answers, setAnswers] = useState<File | null>(null);
  const [progress, setProgress] = useState<string | null>(null);
  const [imported, setImported] = useState<string | null>(null);
  useEvent('eval.importProgress', (p) => setProgress(`${p.phase}: ${p.items} item(s), ${p.lines} line(s) read`));
  const importer = useAction(
    async (q: File, a: File | null) => {
      setImported(null);
      try {
        const { set } = await client.call('eval.import', {
          questions: { fileName: q.name, text: await q.text() },
          answers: a ? { fileName: a.name, text: await a.text() } : undefined,
        });
        setImported(`Imported "${set.name}": ${set.itemCount} item(s).`);
      } finally {
        setProgress(null);
      }
    },
    { inline: true },
  );
  const message = importer.error ? { color: 'red', text: importer.error } : imported ? { color: 'teal', text: imported } : null;

  return (
    <Card withBorder>
      <Title order={4}>Import a BFCL set</Title>
      <Text size="sm" c="dimmed" mb="xs">
        A question file (JSON Lines: id, question, function) and its possible-answer file (id, ground_truth). Irrelevance sets need no
        answers.
      </Text>
      <Group align="flex-end">
        <FileField label="Questions file" testId="eval-questions" onFile={setQuestions} />
        <FileField label="Possible answers (optional)" testId="eval-answers" onFile={setAnswers} />
        <Button
          size="xs"
          onClick={() => questions && void importer.run(questions, answers)}
          loading={importer.busy}
          disabled={!questions}
          data-testid="eval-import"
        >
          Import
        </Button>
      </Group>
      {progress && (
        <Text size="xs" c="dimmed" mt="xs">
          {progress}
        </Text>
      )}
      {message && (
        <Alert
          color={message.color}
          mt="xs"
          data-testid="eval-import-message"
          withCloseButton
          onClose={() => {
            importer.clearError();
            setImported(null);
          }}
        >
          {message.text}
        </Alert>
      )}
    </Card>
  );
}
