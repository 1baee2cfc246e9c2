import { readFileSync } from 'node:fs';
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
