// Neither CleverTap package ships type definitions; signedCallSdk.ts types what we use.
declare module 'clevertap-signed-call' {
  export function initSignedCall(options: unknown): Promise<unknown>;
}
declare module 'clevertap-web-sdk' {
  const clevertap: unknown;
  export default clevertap;
}
