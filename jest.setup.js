// jsdom has no CSS.supports; tldraw's editor asks it at import time.
if (typeof globalThis.CSS === 'undefined') {
  globalThis.CSS = {};
}
if (typeof globalThis.CSS.supports !== 'function') {
  globalThis.CSS.supports = () => false;
}
