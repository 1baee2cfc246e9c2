import { act } from '@testing-library/react';

/**
 * Lets timers, fetches and React updates settle: the fake network answers on a later task
 * and a revalidation first waits out its burst window.
 */
export async function settle(ms = 150): Promise<void> {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, ms));
  });
}
