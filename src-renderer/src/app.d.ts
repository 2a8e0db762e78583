/// <reference types="@sveltejs/adapter-node" />
// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {
    interface Locals {
      /** The browser session's id (cookie `sessionId`); tasks are owned by it. */
      sessionId: string;
      /** True when this request had no (valid) session cookie and the server just made one. */
      sessionIsNew: boolean;
    }
  }
}

export {};
