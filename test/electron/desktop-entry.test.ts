import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { desktopTrainerEntry, NATIVE_TRAINER_FLAG, trainerChildConfig } from '../../src/main/engine/train/native/desktop-entry';

// With the RunAsNode fuse off, the desktop app cannot run its trainer child as `ELECTRON_RUN_AS_NODE=1 <app>`;
// it starts itself with a flag that runs only the bundled trainer.
describe('the desktop trainer child', () => {
  it('is the packaged binary with the flag, without ELECTRON_RUN_AS_NODE', () => {
    const entry = desktopTrainerEntry({
      execPath: '/opt/Toolsmith/toolsmith',
      defaultApp: false,
      appPath: '--some-chromium-switch',
      env: { PATH: '/usr/bin', ELECTRON_RUN_AS_NODE: '1' },
    });
    expect(entry).toEqual({ command: '/opt/Toolsmith/toolsmith', args: [NATIVE_TRAINER_FLAG], env: { PATH: '/usr/bin' } });
  });

  it('in development (`electron <app>`) passes the app path first, made absolute for the child’s own cwd', () => {
    const entry = desktopTrainerEntry({ execPath: '/x/electron', defaultApp: true, appPath: 'out/main/index.js', env: {} });
    expect(entry.args).toEqual([path.resolve('out/main/index.js'), NATIVE_TRAINER_FLAG]);
  });

  it('is recognised by the shell from its argv, and only then', () => {
    expect(trainerChildConfig(['/opt/Toolsmith/toolsmith', NATIVE_TRAINER_FLAG, '/tmp/run/config.json'])).toBe('/tmp/run/config.json');
    expect(trainerChildConfig(['/x/electron', '/app/out/main/index.js', NATIVE_TRAINER_FLAG, 'c.json'])).toBe('c.json');
    expect(trainerChildConfig(['/opt/Toolsmith/toolsmith', NATIVE_TRAINER_FLAG])).toBeNull();
    expect(trainerChildConfig(['/opt/Toolsmith/toolsmith', NATIVE_TRAINER_FLAG, '--inspect'])).toBeNull();
    expect(trainerChildConfig(['/opt/Toolsmith/toolsmith', '--workspace', '/w'])).toBeUndefined();
  });
});
