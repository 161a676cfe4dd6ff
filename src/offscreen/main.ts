// Offscreen document: hosts the live call.
export function startOffscreen(): void {}
