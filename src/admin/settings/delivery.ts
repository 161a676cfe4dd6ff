// What "send test" answers (the backend's DeliveryResult).
export type DeliveryView = { ok: true; status: number } | { ok: false; error: string };
