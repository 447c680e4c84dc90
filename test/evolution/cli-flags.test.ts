import { describe, expect, it } from 'vitest';
import { settingsFromFlags } from '../../src/main/cli/evolution';
import { EvolveSettings } from '../../src/main/engine/evolution/settings';

describe('toolsmith evolve: which backend generates', () => {
  it('defaults to the local model with the GPU auto-detected', () => {
    const s = settingsFromFlags({}, 3);
    expect(s.generation).toBeUndefined();
    expect(EvolveSettings.parse(s).generation).toEqual({ kind: 'local', gpu: 'auto' });
    expect(settingsFromFlags({ gpu: 'off' }, 3).generation).toEqual({ kind: 'local', gpu: false });
  });

  it('--remote with --remote-model, --api-key and --concurrency names a server; the trainer flag stays --backend', () => {
    const s = settingsFromFlags(
      { remote: 'http://127.0.0.1:8080/v1', remoteModel: 'qwen', apiKey: 'k', concurrency: 8, backend: 'python' },
      3,
    );
    expect(s.generation).toEqual({ kind: 'remote', baseUrl: 'http://127.0.0.1:8080/v1', model: 'qwen', apiKey: 'k', concurrency: 8 });
    expect(EvolveSettings.parse(s)).toMatchObject({ backend: 'python', generation: { kind: 'remote', retries: 3, timeoutMs: 120_000 } });
  });

  it('--accept-rule chooses how a round is judged; the default stays the tolerance', () => {
    expect(EvolveSettings.parse(settingsFromFlags({}, 3)).acceptRule).toBe('tolerance');
    expect(EvolveSettings.parse(settingsFromFlags({ acceptRule: 'significant' }, 3)).acceptRule).toBe('significant');
    expect(() => settingsFromFlags({ acceptRule: 'lenient' }, 3)).toThrow(/--accept-rule wants "tolerance" or "significant"/);
  });

  it('refuses flags that do not fit together', () => {
    expect(() => settingsFromFlags({ remote: 'http://127.0.0.1:8080/v1' }, 3)).toThrow(/--remote needs --remote-model/);
    expect(() => settingsFromFlags({ remoteModel: 'qwen' }, 3)).toThrow(/need --remote/);
    expect(() => settingsFromFlags({ remote: 'http://h/v1', remoteModel: 'q', gpu: 'cuda' }, 3)).toThrow(/--gpu applies to local/);
    expect(() => settingsFromFlags({ gpu: 'tpu' }, 3)).toThrow(/--gpu wants one of/);
  });
});
