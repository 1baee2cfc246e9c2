/**
 * A V8 .cpuprofile, cut to a time window (timestamps are CLOCK_MONOTONIC microseconds,
 * the clock of process.hrtime in the bench process too), with every sample charged to an
 * owner. Builtins and Node internals are charged to their nearest owned caller, so
 * crypto called by our codec counts as ours and a socket write by Next counts as Next's.
 */
import { type CallFrame, type CodeOwner, CodeOwnerResolver } from './code-owner';

export interface CpuProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileBreakdown {
  samples: number;
  /** Share of all samples in the window, 0..1, by owner ("idle" included). */
  byOwner: Record<string, number>;
  /** Share of the busy (non-idle) samples by function, for our own code and for all. */
  oursByLocation: LocationShare[];
  topLocations: LocationShare[];
  /** Native (C++) functions sampled as the leaf, e.g. better-sqlite3's prepare, with their caller's owner. */
  topNative: LocationShare[];
}

export interface LocationShare {
  owner: string;
  location: string;
  share: number;
}

/** Samples of each node within [fromUs, toUs]. */
function countSamples(profile: CpuProfile, fromUs: number, toUs: number): Map<number, number> {
  const counts = new Map<number, number>();
  let time = profile.startTime;
  profile.samples.forEach((nodeId, index) => {
    time += profile.timeDeltas[index] ?? 0;
    if (time >= fromUs && time <= toUs) counts.set(nodeId, (counts.get(nodeId) ?? 0) + 1);
  });
  return counts;
}

/** Each node's owner: its own, or inherited from the nearest owned ancestor (else "node"). */
function ownersOf(profile: CpuProfile, resolver: CodeOwnerResolver): Map<number, CodeOwner> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const childIds = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  const owners = new Map<number, CodeOwner>();
  const visit = (id: number, inherited: CodeOwner) => {
    const node = byId.get(id);
    if (!node) return;
    const owner = resolver.resolve(node.callFrame) ?? inherited;
    owners.set(id, owner);
    for (const child of node.children ?? []) visit(child, owner);
  };
  for (const root of profile.nodes.filter((node) => !childIds.has(node.id))) visit(root.id, { owner: 'node', location: 'node internals' });
  return owners;
}

export function analyseWindow(profile: CpuProfile, appDir: string, fromUs: number, toUs: number): ProfileBreakdown {
  const counts = countSamples(profile, fromUs, toUs);
  const owners = ownersOf(profile, new CodeOwnerResolver(appDir));
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  const byOwner: Record<string, number> = {};
  const byLocation = new Map<string, { owner: string; location: string; count: number }>();
  const natives = new Map<string, { owner: string; location: string; count: number }>();
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  let idle = 0;
  for (const [nodeId, count] of counts) {
    const owner = owners.get(nodeId) ?? { owner: 'node', location: 'node internals' };
    const frame = frames.get(nodeId);
    if (frame && frame.url === '' && !frame.functionName.startsWith('(')) {
      const key = `${owner.owner} ${frame.functionName}`;
      const entry = natives.get(key) ?? { owner: owner.owner, location: frame.functionName || '(native)', count: 0 };
      natives.set(key, { ...entry, count: entry.count + count });
    }
    byOwner[owner.owner] = (byOwner[owner.owner] ?? 0) + count / total;
    if (owner.owner === 'idle') idle += count;
    const key = `${owner.owner} ${owner.location}`;
    const entry = byLocation.get(key) ?? { ...owner, count: 0 };
    byLocation.set(key, { ...entry, count: entry.count + count });
  }
  const busy = total - idle;
  const shares = (entries: Iterable<{ owner: string; location: string; count: number }>) =>
    [...entries]
      .filter((entry) => entry.owner !== 'idle')
      .map(({ owner, location, count }) => ({ owner, location, share: count / busy }))
      .sort((a, b) => b.share - a.share);
  const locations = shares(byLocation.values());
  return {
    samples: total,
    byOwner,
    oursByLocation: locations.filter((entry) => entry.owner === 'ours'),
    topLocations: locations.slice(0, 25),
    topNative: shares(natives.values()).slice(0, 15),
  };
}
