import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

interface Snippet {
  file: string;
  code: string;
  line: number;
}

/** Code blocks preceded by `<!-- snippet: <path> -->`: each must stand verbatim in that file. */
function snippetsOf(markdown: string): Snippet[] {
  const pattern = /<!-- snippet: (.+?) -->\n```\w*\n([\s\S]*?)```/g;
  return [...markdown.matchAll(pattern)].map((match) => ({
    file: match[1] ?? '',
    code: match[2] ?? '',
    line: markdown.slice(0, match.index).split('\n').length,
  }));
}

describe.each(['docs/adopting.md', 'docs/testing.md'])('%s', (doc) => {
  const markdown = readFileSync(path.join(ROOT, doc), 'utf8');
  const snippets = snippetsOf(markdown);

  it('marks every TypeScript block with the fixture file it comes from', () => {
    const blocks = markdown.match(/```tsx?\n/g) ?? [];
    expect(snippets.length).toBe(blocks.length);
    expect(snippets.length).toBeGreaterThanOrEqual(4);
  });

  it.each(snippets.map((snippet) => [`line ${snippet.line}: ${snippet.file}`, snippet] as const))('shows real code (%s)', (_label, snippet) => {
    const source = readFileSync(path.join(ROOT, snippet.file), 'utf8');
    expect(source).toContain(snippet.code);
  });
});

describe('docs/adopting.md: what to install', () => {
  /** Packages an adopter's app provides already: the stack the toolkit is for. */
  const PROVIDED = new Set(['next', 'next-auth', 'react']);

  /** The packages lib/session loads at run time, imported or re-exported (type-only ones need nothing installed). */
  function packagesImportedByToolkit(): string[] {
    const dir = path.join(ROOT, 'lib', 'session');
    const packages = new Set<string>();
    for (const file of readdirSync(dir).filter((name) => /\.tsx?$/.test(name))) {
      const source = readFileSync(path.join(dir, file), 'utf8');
      for (const [, typeOnly, specifier] of source.matchAll(/^(?:import|export) (type )?[^;]*? from '([^']+)';/gm)) {
        if (typeOnly || !specifier || specifier.startsWith('.') || specifier.startsWith('node:')) continue;
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? specifier);
        if (!PROVIDED.has(name)) packages.add(name);
      }
    }
    return [...packages].sort();
  }

  it('names every package the copied toolkit imports in its npm install line', () => {
    const markdown = readFileSync(path.join(ROOT, 'docs', 'adopting.md'), 'utf8');
    const installLine = markdown.split('\n').find((line) => line.startsWith('npm install ')) ?? '';
    const named = [...installLine.matchAll(/(?:^|\s)(@?[a-z0-9][\w./-]*?)@[\^~\d]/g)].map((match) => match[1]);

    const imported = packagesImportedByToolkit();

    expect(imported.length).toBeGreaterThanOrEqual(3);
    expect(imported.filter((name) => !named.includes(name))).toEqual([]);
  });
});
