import { useRef, type RefObject } from 'react';
import { useBrowserLayoutEffect } from './context';

/**
 * A ref that holds the value of the last committed render, so a listener added once per mount
 * always calls the latest handler. Updated in a layout effect: a render React throws away never
 * becomes "the latest".
 */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  useBrowserLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
