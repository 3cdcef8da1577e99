import type { SwaggerListing } from "../listings.ts";

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);

/**
 * A browsable page of every operation, self-contained (no CDN: guests and CI have no internet). GET
 * operations without path parameters get a "try" link that shows the live answer.
 */
export function apiPage(listings: Readonly<Record<string, SwaggerListing>>): string {
  const sections = Object.entries(listings).map(([name, listing]) => {
    const rows = listing.apis.flatMap((api) =>
      api.operations.map((op) => {
        const params = (op.parameters ?? [])
          .map(
            (p) => `${escapeHtml(p.name)} <small>(${p.paramType}${p.required ? ", required" : ""})</small>`,
          )
          .join("<br>");
        const tryIt =
          op.method === "GET" && !api.path.includes("{")
            ? ` <a href="${escapeHtml(api.path)}" class="try">try</a>`
            : "";
        return `<tr><td class="m ${op.method}">${op.method}</td><td><code>${escapeHtml(api.path)}</code>${tryIt}</td><td>${escapeHtml(op.summary ?? "")}</td><td>${params}</td><td>${escapeHtml(op.items?.type ?? op.items?.$ref ?? op.type)}</td></tr>`;
      }),
    );
    return `<h2 id="${name}">/${name}</h2><p><a href="/api-doc/${name}">swagger listing</a></p><table><tr><th>Method</th><th>Path</th><th>Summary</th><th>Parameters</th><th>Returns</th></tr>${rows.join("")}</table>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>OSv REST API</title><style>
body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px;vertical-align:top}
.m{font-weight:bold}.GET{color:#060}.POST{color:#a50}.PUT{color:#05a}.DELETE{color:#a00}pre{background:#f4f4f4;padding:1em;max-height:20em;overflow:auto}
</style></head><body><h1>OSv REST API</h1><p>Swagger 1.2 index: <a href="/api-doc">/api-doc</a> · OpenAPI 3: <a href="/openapi.json">/openapi.json</a></p>
<pre id="out">Click "try" to see a live answer.</pre>${sections.join("")}
<script>for(const a of document.querySelectorAll("a.try"))a.onclick=async(e)=>{e.preventDefault();const r=await fetch(a.getAttribute("href"));document.getElementById("out").textContent=r.status+" "+await r.text();window.scrollTo(0,0)}</script>
</body></html>`;
}
