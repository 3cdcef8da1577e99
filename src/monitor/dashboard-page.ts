/**
 * The monitor's dashboard: one self-contained page (no CDN, works offline) that polls /api/guests every
 * second and draws, per guest, SVG line plots of CPU by thread, memory used and tracepoint rates.
 */
export function dashboardPage(options: { intervalMs: number }): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>mpm monitor</title><style>
body{font-family:sans-serif;margin:1em;background:#fafafa}h1{font-size:1.3em}
.guest{background:#fff;border:1px solid #ccc;border-radius:6px;padding:.6em;margin-bottom:1em}
.guest[data-up="false"]{border-color:#c00;background:#fff4f4}.status{font-weight:bold}
.guest[data-up="true"] .status{color:#080}.guest[data-up="false"] .status{color:#c00}
.plots{display:flex;flex-wrap:wrap;gap:1em}.plot{width:360px}.plot h3{font-size:.9em;margin:.3em 0}
svg{background:#fdfdfd;border:1px solid #ddd}.legend{font-size:.75em}.legend span{margin-right:.8em}
</style></head><body><h1>mpm monitor</h1><p id="summary">loading…</p><div id="guests"></div>
<script>
const COLORS=["#1f77b4","#ff7f0e","#2ca02c","#d62728","#9467bd","#8c564b","#e377c2","#7f7f7f"];
const W=360,H=140;
function esc(s){return String(s).replace(/[&<>"]/g,c=>({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"})[c])}
function plot(title,unit,series){
  const names=Object.keys(series);let max=0,n=0;
  for(const k of names){for(const v of series[k])if(v!=null){max=Math.max(max,v)}n=Math.max(n,series[k].length)}
  if(max<=0)max=1;
  const lines=names.map((k,i)=>{const pts=series[k].map((v,j)=>v==null?null:((n<2?0:j*(W-10)/(n-1))+5).toFixed(1)+","+(H-5-(v/max)*(H-20)).toFixed(1)).filter(Boolean).join(" ");
    return '<polyline fill="none" stroke-width="1.5" stroke="'+COLORS[i%COLORS.length]+'" points="'+pts+'" data-series="'+esc(k)+'"/>'}).join("");
  const legend=names.map((k,i)=>'<span style="color:'+COLORS[i%COLORS.length]+'">&#9632; '+esc(k)+'</span>').join("");
  return '<div class="plot"><h3>'+esc(title)+' <small>(max '+max.toFixed(1)+' '+unit+')</small></h3><svg width="'+W+'" height="'+H+'" viewBox="0 0 '+W+' '+H+'">'+lines+'</svg><div class="legend">'+(legend||"<i>no data yet</i>")+'</div></div>';
}
function seriesOf(history,key){const out={};history.forEach((p,j)=>{for(const [k,v] of Object.entries(p[key])){(out[k]??=new Array(history.length).fill(null))[j]=v}});return out}
function render(guests){
  const up=guests.filter(g=>g.up).length;
  document.getElementById("summary").textContent=up+" of "+guests.length+" guests up · updated "+new Date().toLocaleTimeString();
  document.getElementById("guests").innerHTML=guests.map(g=>{
    const h=g.history.slice(-120);
    const mem={"used MiB":h.map(p=>p.memoryUsed/1048576)};
    const idle=Object.entries(g.idle).map(([k,v])=>esc(k)+" "+v.toFixed(0)+"%").join(", ");
    return '<div class="guest" data-target="'+esc(g.target)+'" data-up="'+g.up+'"><div><b>'+esc(g.target)+'</b> <span class="status">'+(g.up?"up":"down")+'</span>'+
      (g.up?' · uptime '+g.uptime+' s · '+g.threads+' threads · memory '+(g.memoryFree/1048576).toFixed(0)+' of '+(g.memoryTotal/1048576).toFixed(0)+' MiB free'+(idle?' · idle '+idle:''):' · '+esc(g.error??""))+'</div>'+
      '<div class="plots">'+plot("CPU by thread","%",seriesOf(h,"threadCpu"))+plot("Memory used","MiB",mem)+plot("Tracepoint rates","/s",seriesOf(h,"traceRates"))+'</div></div>'}).join("");
}
async function tick(){try{const r=await fetch("/api/guests");render(await r.json())}catch(e){document.getElementById("summary").textContent="monitor unreachable: "+e}}
tick();setInterval(tick,${Math.max(250, options.intervalMs)});
</script></body></html>`;
}
