import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { COMPAT_MATRIX } from '../../support/compat-matrix';

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

describe('the toolkit package: what it declares and what the guide installs', () => {
  const PACKAGE_DIR = path.join(ROOT, 'packages', 'next-auth-server-session');
  const manifest = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
    name: string;
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
  };

  /** The packages its source loads at run time, imported or re-exported (type-only ones need nothing installed). */
  function packagesImportedByToolkit(): string[] {
    const dir = path.join(PACKAGE_DIR, 'src');
    const packages = new Set<string>();
    for (const file of readdirSync(dir).filter((name) => /\.tsx?$/.test(name))) {
      const source = readFileSync(path.join(dir, file), 'utf8');
      for (const [, typeOnly, specifier] of source.matchAll(/^(?:import|export) (type )?[^;]*? from '([^']+)';/gm)) {
        if (typeOnly || !specifier || specifier.startsWith('.') || specifier.startsWith('node:')) continue;
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? specifier));
      }
    }
    return [...packages].sort();
  }

  it('declares every package its source imports, as a dependency or a peer, and depends on nothing it does not import', () => {
    const imported = packagesImportedByToolkit();
    const declared = [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)];

    expect(imported.filter((name) => !declared.includes(name))).toEqual([]);
    expect(Object.keys(manifest.dependencies).filter((name) => !imported.includes(name))).toEqual([]);
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['next', 'next-auth', 'react', 'swr']);
  });

  it('is installed by name in docs/adopting.md, and no guide tells a team to copy its folder', () => {
    const adopting = readFileSync(path.join(ROOT, 'docs', 'adopting.md'), 'utf8');
    const testing = readFileSync(path.join(ROOT, 'docs', 'testing.md'), 'utf8');

    expect(adopting.split('\n')).toContain(`npm install ${manifest.name}`);
    expect(`${adopting}\n${testing}`).not.toMatch(/[Cc]opy (the toolkit|`?lib\/session)/);
  });

  it("lists in its README exactly the Next.js and React versions CI proves (support/compat-matrix.ts), and its peer ranges say the same", () => {
    const readme = readFileSync(path.join(PACKAGE_DIR, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| (\d+(?:\.\d+)?)\.x \| (\d+) \| (4\.24\.(?:x|\d+)) \|/gm)].map(([, next, react, nextAuth]) => ({ next, react, nextAuth }));
    const proven = COMPAT_MATRIX.map((target) => ({
      next: target.next,
      react: /\d+/.exec(target.react)?.[0],
      nextAuth: target.nextAuth.startsWith('~') ? '4.24.x' : target.nextAuth,
    }));
    const nextAuthFloor = COMPAT_MATRIX.map((target) => target.nextAuth).find((version) => /^\d/.test(version));
    const lowest = COMPAT_MATRIX[0]!.next;
    const highestMajor = Math.max(...COMPAT_MATRIX.map((target) => Number.parseInt(target.next, 10)));
    const reactRanges = [...new Set(COMPAT_MATRIX.map((target) => target.react))];

    expect(rows).toEqual(proven);
    expect(manifest.peerDependencies.next).toBe(`>=${lowest}.0 <${highestMajor + 1}`);
    expect(manifest.peerDependencies.react).toBe(reactRanges.join(' || '));
    expect(manifest.peerDependencies['next-auth']).toBe(`^${nextAuthFloor}`);
  });
});
