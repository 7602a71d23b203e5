// Small DOM and formatting helpers shared by the components. No state, no socket.

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

/** A new element with a class and text; user text only ever goes in through textContent. */
export function el(tag, className = '', text = '') {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.textContent = text;
  return node;
}

/** Milliseconds as seconds with one decimal: 1340 -> "1.3". */
export const seconds = (ms) => (ms / 1000).toFixed(1);

/** Milliseconds as whole seconds left, rounded up so "0" only shows when time is out. */
export const secondsLeft = (ms) => Math.max(0, Math.ceil(ms / 1000));

/**
 * Calls `render(msLeft)` about four times a second until `ms` has passed or the returned
 * stop function is called; render gets 0 once at the end.
 */
export function tick(ms, render) {
  const end = performance.now() + ms;
  const step = () => {
    const left = Math.max(0, end - performance.now());
    render(left);
    if (left === 0) clearInterval(timer);
  };
  const timer = setInterval(step, 250);
  step();
  return () => clearInterval(timer);
}

/** "1 player", "3 players". */
export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Whether the player asked to be spared motion; animations in CSS stop by themselves. */
export const reducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;
