import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsp, RENDERER_CSP } from '../../src/main/web/csp';

const metaPolicy = (html: string) => html.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/)?.[1];

describe('the renderer CSP', () => {
  const csp = parseCsp(RENDERER_CSP);

  it('connects to its own origin only: no ws:/wss:/http(s): wildcards or hosts', () => {
    expect(csp.get('connect-src')).toEqual(["'self'"]);
  });

  it('runs only its own scripts and loads nothing from elsewhere', () => {
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    for (const [name, sources] of csp) {
      for (const source of sources) {
        expect(source, `${name} ${source}`).not.toMatch(/^(\*|ws:|wss:|https?:|file:|'unsafe-eval'|'wasm-unsafe-eval')$/);
        expect(source, `${name} ${source}`).not.toMatch(/:\/\//);
      }
    }
  });

  it('is the policy of the renderer page itself (src/renderer/index.html), and of the built page when there is one', () => {
    expect(metaPolicy(fs.readFileSync('src/renderer/index.html', 'utf8'))).toBe(RENDERER_CSP);
    const built = path.join('out', 'renderer', 'index.html');
    if (fs.existsSync(built)) expect(metaPolicy(fs.readFileSync(built, 'utf8'))).toBe(RENDERER_CSP);
  });
});
