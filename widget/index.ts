/**
 * widget.js: the one global API, `window.sonny(command, ...args)`. Commands: init, identify,
 * reset, open, close, on. See docs/widget.md.
 */
import { createDispatcher, replayQueue, type SonnyFunction } from './queue.ts';
import { Sonny, warn } from './sonny.ts';

declare global {
  interface Window {
    sonny?: SonnyFunction;
  }
}

/** The origin this script was loaded from, read while it runs (currentScript is set then). */
function scriptOrigin(): string | null {
  const script =
    document.currentScript instanceof HTMLScriptElement
      ? document.currentScript
      : Array.from(document.querySelectorAll<HTMLScriptElement>('script[src*="widget.js"]')).pop();
  if (!script?.src) return null;
  try {
    return new URL(script.src, location.href).origin;
  } catch {
    return null;
  }
}

const stub = window.sonny;
if (stub?.loaded) {
  warn('widget.js was loaded twice; the second copy does nothing');
} else {
  const dispatch = createDispatcher(new Sonny({ scriptOrigin: scriptOrigin() }));
  replayQueue(stub, dispatch);
  window.sonny = dispatch;
}
