/**
 * Imported first by main.tsx. @preact/signals keys its disposers by `Symbol.dispose`, which
 * browsers before 2025 lack; give them one real symbol so every model uses the same key.
 */
const S = Symbol as unknown as { dispose?: symbol };
if (typeof S.dispose !== 'symbol') {
  try { Object.defineProperty(Symbol, 'dispose', { value: Symbol('Symbol.dispose') }); } catch { /* frozen: leave it */ }
}
export {};
