// openid-client publishes its passport strategy under the `openid-client/passport` export; this
// project's `moduleResolution: node` does not read package exports, so the types are mapped here.
declare module 'openid-client/passport' {
  export * from 'openid-client/build/passport';
}
