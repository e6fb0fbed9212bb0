/**
 * The one line a business pastes into its website. It adds widget.js only after the page's own `load`,
 * so the page never waits for Parley (a plain `<script async src>` would hold back `load`).
 */
export function widgetSnippet(parleyOrigin: string, integrationId: string): string {
  const src = JSON.stringify(`${parleyOrigin}/widget.js`);
  const id = JSON.stringify(integrationId);
  return `<script>(function(w,d){function l(){var s=d.createElement("script");s.src=${src};s.async=true;s.setAttribute("data-parley-widget",${id});d.body.appendChild(s)}d.readyState==="complete"?l():w.addEventListener("load",l)})(window,document)</script>`;
}
