import { useEffect, useState } from 'react';

/** The current time, re-read every `intervalMs`: only the components that show time use it. */
export function useNow(intervalMs = 1000) {
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNowMs(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return nowMs;
}
