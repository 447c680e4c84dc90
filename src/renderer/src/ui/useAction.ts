import { notifications } from '@mantine/notifications';
import { useCallback, useEffect, useRef, useState } from 'react';

export interface ActionOptions<T> {
  /** A notification when it succeeds: fixed text, or made from the result. */
  success?: string | ((result: T) => string);
  /** The title of the error notification (the message is the error's own). */
  errorTitle?: string;
  /** Keep the error in `error` for the view to show in place, instead of a notification. */
  inline?: boolean;
  /** Errors that are no failure (a cancelled download): neither shown nor kept. */
  ignore?: (error: Error) => boolean;
}

export interface Action<A extends unknown[], T> {
  /** Runs the call; resolves with its result, or undefined when it failed (the failure is already shown). */
  run: (...args: A) => Promise<T | undefined>;
  busy: boolean;
  /** The last failure's message, in `inline` mode; cleared when the action runs again. */
  error: string | null;
  clearError: () => void;
}

/**
 * One API call a person starts (a button): busy while it runs, its error shown (a notification, or kept
 * for an Alert in place), an optional success message. Replaces the try/catch/finally of every view.
 */
export function useAction<A extends unknown[], T>(action: (...args: A) => Promise<T>, options: ActionOptions<T> = {}): Action<A, T> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The latest action and options, so `run` stays one function across renders.
  const latest = useRef({ action, options });
  useEffect(() => {
    latest.current = { action, options };
  });
  const run = useCallback(async (...args: A) => {
    const { action: call, options: opts } = latest.current;
    setBusy(true);
    setError(null);
    try {
      const result = await call(...args);
      if (opts.success !== undefined)
        notifications.show({ message: typeof opts.success === 'string' ? opts.success : opts.success(result) });
      return result;
    } catch (e) {
      const failure = e instanceof Error ? e : new Error(String(e));
      if (opts.ignore?.(failure)) return undefined;
      if (opts.inline) setError(failure.message);
      else notifications.show({ color: 'red', title: opts.errorTitle ?? 'That did not work', message: failure.message });
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return { run, busy, error, clearError };
}
