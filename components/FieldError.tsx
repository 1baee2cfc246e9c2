import { HttpError, NetworkError } from '@/lib/http';

/** The server's message for a failed action, shown next to the control that caused it. */
export function describeError(error: unknown): string {
  if (error instanceof HttpError) return error.message;
  if (error instanceof NetworkError) return 'Could not reach the server. Check your connection and retry.';
  return 'Something went wrong. Please retry.';
}

export function FieldError({ error, id }: { error: unknown; id?: string }) {
  if (!error) return null;
  return (
    <p className="error" role="alert" id={id}>
      {describeError(error)}
    </p>
  );
}
