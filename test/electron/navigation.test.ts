import { describe, expect, it } from 'vitest';
import { externalUrl, guardNavigation, guardWindowOpen } from '../../src/main/electron/navigation';

function navigate(url: string): { prevented: boolean; opened: string[] } {
  let prevented = false;
  const opened: string[] = [];
  guardNavigation({ preventDefault: () => (prevented = true) }, url, (u) => opened.push(u));
  return { prevented, opened };
}

describe('navigation guard', () => {
  it('prevents every navigation, the app’s own origin included', () => {
    for (const url of ['app://toolsmith/index.html', 'https://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'nonsense']) {
      expect(navigate(url).prevented, url).toBe(true);
    }
  });

  it('hands http(s) links to the browser and nothing else', () => {
    expect(navigate('https://huggingface.co/models?q=smol').opened).toEqual(['https://huggingface.co/models?q=smol']);
    expect(navigate('http://example.com').opened).toEqual(['http://example.com/']);
    for (const url of [
      'app://toolsmith/index.html',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'vscode://open?file=/etc/passwd',
      'ms-msdt:/id PCWDiagnostic',
      'https://user:pass@example.com/',
      'http//missing-colon',
    ]) {
      expect(navigate(url).opened, url).toEqual([]);
    }
  });

  it('denies every new window, opening http(s) targets in the browser', () => {
    const opened: string[] = [];
    expect(guardWindowOpen({ url: 'https://example.com/docs' }, (u) => opened.push(u))).toEqual({ action: 'deny' });
    expect(guardWindowOpen({ url: 'app://toolsmith/index.html' }, (u) => opened.push(u))).toEqual({ action: 'deny' });
    expect(guardWindowOpen({ url: 'file:///C:/Windows/System32/calc.exe' }, (u) => opened.push(u))).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.com/docs']);
  });

  it('normalises what it opens', () => {
    expect(externalUrl('HTTPS://Example.COM/a b')).toBe('https://example.com/a%20b');
    expect(externalUrl('')).toBeUndefined();
  });
});
