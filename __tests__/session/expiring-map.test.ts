import { createExpiringMap } from '@/packages/next-auth-server-session/src/expiring-map';

let nowMs = 0;
const clock = () => nowMs;
beforeEach(() => {
  nowMs = 0;
});

describe('createExpiringMap', () => {
  it('serves a value until its TTL has passed', () => {
    const map = createExpiringMap<string>(10, clock);
    map.set('a', 'one', 1_000);

    nowMs = 999;
    const during = map.get('a');
    nowMs = 1_000;

    expect([during, map.get('a'), map.size]).toEqual(['one', undefined, 0]);
  });

  it('drops expired entries from the oldest end on each write', () => {
    const map = createExpiringMap<string>(10, clock);
    map.set('a', 'one', 100);
    map.set('b', 'two', 100);

    nowMs = 100;
    map.set('c', 'three', 100);

    expect(map.size).toBe(1);
  });

  it('keeps at most maxEntries, dropping the oldest write', () => {
    const map = createExpiringMap<string>(2, clock);
    map.set('a', 'one', 1_000);
    map.set('b', 'two', 1_000);
    map.set('a', 'one again', 1_000); // now the youngest

    map.set('c', 'three', 1_000);

    expect([map.get('a'), map.get('b'), map.get('c')]).toEqual(['one again', undefined, 'three']);
  });
});
