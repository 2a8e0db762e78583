import { htmlPageCsp } from './security-headers.js';

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}code{background:#eee;padding:0 .2em}';

/** A small self-contained HTML page and the CSP that lets exactly it render. */
export interface HtmlPage {
  html: string;
  csp: string;
}

/**
 * The page a browser gets instead of the UI when it may not see it (not paired, a bad pairing
 * link, too many attempts): people on a phone read this, not JSON. Texts are ours, never echoed
 * input, so there is nothing to escape but we escape anyway.
 */
export function refusalPage(title: string, paragraphs: readonly string[]): HtmlPage {
  const body = paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`).join('');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)} · Background Task Monitor</title><style>${STYLE}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  return { html, csp: htmlPageCsp(STYLE) };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
