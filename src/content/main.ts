// Content script wiring: decorates numbers with call buttons and shows the call bar.
export function startContentScript(_signal: AbortSignal): void {}
