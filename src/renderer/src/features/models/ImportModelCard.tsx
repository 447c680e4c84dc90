import { TextActionCard } from '../../ui/TextActionCard';

/** A GGUF file on the machine running Toolsmith, registered by path. */
export function ImportModelCard({ busy, onImport }: { busy: boolean; onImport: (file: string) => Promise<unknown> }) {
  return (
    <TextActionCard
      title="Import a GGUF file"
      label="Path on the machine running Toolsmith"
      placeholder="/models/qwen2.5-0.5b-instruct-q4_k_m.gguf"
      action="Import"
      busy={busy}
      testIds={{ input: 'import-path', button: 'import-button' }}
      onSubmit={onImport}
    />
  );
}
