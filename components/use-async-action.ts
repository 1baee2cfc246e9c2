import { useCallback, useState } from 'react';

/**
 * The state every button or form that calls the API needs: pending while it runs, the
 * error to show next to the control when it fails. `run` resolves to whether it succeeded.
 */
export function useAsyncAction<Args extends unknown[]>(action: (...args: Args) => Promise<unknown>) {
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const run = useCallback(
    async (...args: Args): Promise<boolean> => {
      setPending(true);
      setError(null);
      try {
        await action(...args);
        return true;
      } catch (caught) {
        setError(caught);
        return false;
      } finally {
        setPending(false);
      }
    },
    [action],
  );
  return { run, error, pending };
}
