/**
 * Runs a callback later; returns a function that cancels it.
 */
export type Scheduler = (callback: () => void) => () => void;

/**
 * The next animation frame: pointer moves arrive many times per frame, the
 * screen (and the network) only need the last state of each frame.
 */
export const nextAnimationFrame: Scheduler = callback => {
  const handle = requestAnimationFrame(() => callback());
  return () => cancelAnimationFrame(handle);
};

/**
 * After `ms` milliseconds: for what may lag a little behind the screen.
 */
export function after(ms: number): Scheduler {
  return callback => {
    const handle = setTimeout(callback, ms);
    return () => clearTimeout(handle);
  };
}
