import type { ClientInit } from '@sveltejs/kit';
import { afterFirstPaint } from '$lib/paint/after-first-paint.js';

/**
 * SvelteKit waits for this before hydrating: the browser paints the server-rendered HTML first,
 * so hydration (script work on the main thread) never holds back the first paint.
 */
export const init: ClientInit = () => afterFirstPaint();
