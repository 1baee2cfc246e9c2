import { useEffect } from 'react';
import type { BareFetcher, Middleware } from 'swr';
import { installFetchObserver } from './fetch-observer';

/**
 * SWR middleware for apps that keep their own fetcher: responses carrying
 * `X-Revalidate-Session: true` revalidate the session, once per burst, with no change to
 * the fetcher.
 *
 * A middleware only sees the fetcher's return value, so it installs the fetch observer
 * (see `installFetchObserver`): before each fetcher call, so the call is observed even if
 * something replaced `fetch` since, and when a hook mounts, so the app's own mutations
 * (plain `fetch` POSTs outside SWR) are observed too. Installing is idempotent: nested or
 * repeated `SWRConfig`s share one observer.
 *
 * @example
 * <SWRConfig value={{ fetcher: (url) => fetch(url).then((r) => r.json()), use: [observeSessionResponses] }}>
 */
export const observeSessionResponses: Middleware = (useSWRNext) =>
  function useObservedResponses(key, fetcher, config) {
    useEffect(installFetchObserver, []);
    return useSWRNext(key, fetcher && observeCalls(fetcher), config);
  };

function observeCalls<Data>(fetcher: BareFetcher<Data>): BareFetcher<Data> {
  return (...args) => {
    installFetchObserver();
    return fetcher(...args);
  };
}
