/**
 * Who owns a profiled function: our code (lib/, pages/), a package, Node, or V8. Code in
 * the app bundle (.next/server) is mapped back through the build's source maps.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

export interface CodeOwner {
  /** "ours", a package name ("next", "next-auth", "kysely", ...), "node", "GC", "idle", "V8". */
  owner: string;
  /** lib/session/codec.ts:51, node_modules/jose/..., or the URL. */
  location: string;
}

const V8_PSEUDO_FRAMES: Record<string, string> = { '(garbage collector)': 'GC', '(idle)': 'idle', '(program)': 'V8', '(root)': 'V8' };

function packageOf(filePath: string): { name: string; rest: string } | null {
  const index = filePath.lastIndexOf('/node_modules/');
  if (index < 0) return null;
  const parts = filePath.slice(index + '/node_modules/'.length).split('/');
  const name = parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? '');
  return { name, rest: parts.slice(name.includes('/') ? 2 : 1).join('/') };
}

/**
 * Source paths as the bundlers write them, relative to the app: webpack's
 * `webpack://<package>/./lib/x.ts`, Turbopack's `../../../../../tmp/<app>/lib/x.ts`.
 */
function normaliseSource(source: string, appDir: string): string {
  if (source.startsWith('webpack://')) return source.replace(/^webpack:\/\/[^/]*\//, '').replace(/^\.\//, '');
  const appPrefix = `${appDir.replace(/^\//, '')}/`;
  const appIndex = source.indexOf(appPrefix);
  return appIndex >= 0 ? source.slice(appIndex + appPrefix.length) : source.replace(/^(\.\.\/)+/, '');
}

export class CodeOwnerResolver {
  private readonly maps = new Map<string, SourceMap | null>();

  /** @param appDir the built app whose bundle (.next/server) is ours to map back. */
  constructor(private readonly appDir: string) {}

  /** null: a builtin or Node internal, to be charged to the nearest caller that has an owner. */
  resolve(frame: CallFrame): CodeOwner | null {
    const pseudo = V8_PSEUDO_FRAMES[frame.functionName];
    if (pseudo && frame.url === '') return { owner: pseudo, location: frame.functionName };
    if (!frame.url.startsWith('file://')) return null;
    const filePath = fileURLToPath(frame.url);
    if (filePath.includes('/.next/server/')) return this.resolveBundled(filePath, frame);
    const name = frame.functionName || '(anonymous)';
    const found = packageOf(filePath);
    if (found) return { owner: found.name, location: `${name} node_modules/${found.name}/${found.rest}:${frame.lineNumber + 1}` };
    return { owner: 'other', location: `${name} ${filePath}:${frame.lineNumber + 1}` };
  }

  /**
   * The webpack build bundles only our code (lib/, pages/) plus Next's route template and
   * the webpack runtime; packages stay external. Without a source map, bundle code counts
   * as ours; with one (the profiling build), each function maps back to its file.
   */
  private resolveBundled(filePath: string, frame: CallFrame): CodeOwner {
    const entry = this.sourceMapOf(filePath)?.findEntry(frame.lineNumber, frame.columnNumber);
    const name = frame.functionName || '(anonymous)';
    if (!entry || !('originalSource' in entry) || !entry.originalSource) {
      return { owner: 'ours', location: `${name} ${path.relative(this.appDir, filePath)} (bundle, no source map)` };
    }
    const source = normaliseSource(entry.originalSource, this.appDir);
    if (source.startsWith('turbopack:') || source.startsWith('webpack/')) return { owner: 'next', location: `${source} (bundler runtime)` };
    // webpack names Next's generated route entry (the pages-api template) by its loader query, e.g. `?238b`.
    if (source.startsWith('?')) return { owner: 'next', location: `${name} (Next route template ${source})` };
    const found = packageOf(`/${source}`);
    if (found) return { owner: found.name, location: `node_modules/${found.name}/${found.rest}:${entry.originalLine + 1}` };
    return { owner: 'ours', location: `${name} ${source}:${entry.originalLine + 1}` };
  }

  private sourceMapOf(filePath: string): SourceMap | null {
    if (!this.maps.has(filePath)) {
      const mapFile = `${filePath}.map`;
      this.maps.set(filePath, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : null);
    }
    return this.maps.get(filePath) ?? null;
  }
}
