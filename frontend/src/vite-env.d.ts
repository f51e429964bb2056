/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Origin of the API when it is not the SPA's own (default: same origin, proxied in dev). */
  readonly VITE_API_BASE?: string;
}
