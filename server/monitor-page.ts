/**
 * The monitor page (`/monitor?token=…`): rooms, peers per room, RTT, bytes/s and RPC/s as live graphs,
 * drop and refusal counters. Self-contained (no external assets): it polls `/metrics.json` with the
 * same token once a second and draws on canvases. Every figure carries a `data-metric` attribute.
 */
export function monitorPage(nonce: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>scenenet monitor</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px system-ui,sans-serif;margin:16px;background:#111;color:#ddd}
h1{font-size:18px;margin:0 0 12px} h2{font-size:15px;margin:18px 0 6px}
.cards{display:flex;flex-wrap:wrap;gap:8px}.card{background:#1d1d1d;border:1px solid #333;border-radius:6px;padding:8px 12px;min-width:110px}
.card b{display:block;font-size:20px;color:#fff}.graphs{display:flex;flex-wrap:wrap;gap:12px}
figure{margin:0;background:#1d1d1d;border:1px solid #333;border-radius:6px;padding:6px}figcaption{font-size:12px;color:#aaa}
canvas{display:block}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #333;padding:3px 8px;text-align:left}
th{color:#aaa;font-weight:normal}.muted{color:#888}#status{color:#8c8;font-size:12px}
</style></head><body>
<h1>scenenet monitor <span id="status">connecting…</span></h1>
<div class="cards">
 <div class="card">rooms<b data-metric="rooms">–</b></div>
 <div class="card">peers<b data-metric="peers">–</b></div>
 <div class="card">paused (resuming)<b data-metric="paused">–</b></div>
 <div class="card">RPC/s in<b data-metric="rpcs-per-s">–</b></div>
 <div class="card">bytes/s in+out<b data-metric="bytes-per-s">–</b></div>
 <div class="card">RPCs in (total)<b data-metric="rpcs-in">–</b></div>
 <div class="card">RPCs out (total)<b data-metric="rpcs-out">–</b></div>
 <div class="card">tick<b data-metric="tick-ms">–</b></div>
</div>
<h2>Live</h2>
<div class="graphs">
 <figure><canvas id="g-peers" width="300" height="90"></canvas><figcaption>peers</figcaption></figure>
 <figure><canvas id="g-rpcs" width="300" height="90"></canvas><figcaption>RPC/s (in + out)</figcaption></figure>
 <figure><canvas id="g-bytes" width="300" height="90"></canvas><figcaption>bytes/s (in + out)</figcaption></figure>
 <figure><canvas id="g-rtt" width="300" height="90"></canvas><figcaption>mean RTT (ms: ENet, WebSocket pings)</figcaption></figure>
</div>
<h2>Drops and refusals</h2>
<table><tbody id="drops"></tbody></table>
<h2>Rooms</h2>
<table><thead><tr><th>room</th><th>type</th><th>clients</th><th>locked</th><th>RPCs in</th><th>RPCs out</th><th>bytes in</th><th>bytes out</th><th>tick ms</th><th>peers (transport, RTT)</th></tr></thead><tbody id="rooms"></tbody></table>
<script nonce="${nonce}">
(() => {
  const token = new URLSearchParams(location.search).get('token') || '';
  const history = { peers: [], rpcs: [], bytes: [], rtt: [] };
  const KEEP = 90;
  let last = null;
  const $ = (id) => document.getElementById(id);
  const set = (name, value) => { document.querySelector('[data-metric="' + name + '"]').textContent = value; };
  const sum = (t, k) => (t.ws ? t.ws[k] : 0) + (t.enet ? t.enet[k] : 0) + (t.loopback ? t.loopback[k] : 0);
  const text = (tag, value, metric) => { const el = document.createElement(tag); el.textContent = String(value); if (metric) el.dataset.metric = metric; return el; };
  function draw(id, values) {
    const c = $(id), g = c.getContext('2d');
    g.clearRect(0, 0, c.width, c.height);
    const max = Math.max(1, ...values);
    g.strokeStyle = '#4af'; g.lineWidth = 2; g.beginPath();
    values.forEach((v, i) => { const x = (i / (KEEP - 1)) * c.width, y = c.height - 4 - (v / max) * (c.height - 16); i ? g.lineTo(x, y) : g.moveTo(x, y); });
    g.stroke(); g.fillStyle = '#aaa'; g.font = '11px sans-serif'; g.fillText('max ' + Math.round(max), 4, 11);
  }
  function push(key, v) { history[key].push(v); if (history[key].length > KEEP) history[key].shift(); draw('g-' + key, history[key]); }
  function render(s) {
    const rpcsIn = sum(s.transports, 'rpcsIn'), rpcsOut = sum(s.transports, 'rpcsOut');
    const bytes = sum(s.transports, 'bytesIn') + sum(s.transports, 'bytesOut');
    set('rooms', s.rooms); set('peers', s.peers); set('paused', s.paused); set('rpcs-in', rpcsIn); set('rpcs-out', rpcsOut); set('tick-ms', s.tickMs.toFixed(2));
    if (last) {
      const dt = Math.max(0.001, (s.timeMs - last.timeMs) / 1000);
      const rps = (rpcsIn - sum(last.transports, 'rpcsIn')) / dt;
      const rpsAll = (rpcsIn + rpcsOut - sum(last.transports, 'rpcsIn') - sum(last.transports, 'rpcsOut')) / dt;
      const bps = (bytes - sum(last.transports, 'bytesIn') - sum(last.transports, 'bytesOut')) / dt;
      set('rpcs-per-s', Math.round(rps)); set('bytes-per-s', Math.round(bps));
      push('rpcs', rpsAll); push('bytes', bps);
    }
    push('peers', s.peers);
    const rtts = s.roomList.flatMap((r) => r.peers).filter((p) => p.rttMs !== null).map((p) => p.rttMs);
    push('rtt', rtts.length ? rtts.reduce((a, b) => a + b, 0) / rtts.length : 0);
    const drops = $('drops'); drops.replaceChildren();
    for (const [k, v] of Object.entries(s.drops)) { const tr = document.createElement('tr'); tr.append(text('th', 'dropped: ' + k), text('td', v, 'drops-' + k)); drops.append(tr); }
    for (const [k, v] of Object.entries(s.refusals)) { const tr = document.createElement('tr'); tr.append(text('th', 'join refused: ' + k), text('td', v, 'refusals-' + k)); drops.append(tr); }
    const rooms = $('rooms'); rooms.replaceChildren();
    for (const r of s.roomList.concat(s.lobbies.map((l) => ({ ...l, traffic: {}, tickMs: 0, peers: [] })))) {
      const tr = document.createElement('tr'); tr.dataset.room = r.id;
      const peers = r.peers.map((p) => p.id + ' (' + p.transport + (p.rttMs === null ? '' : ', ' + p.rttMs + ' ms') + (p.paused ? ', paused' : '') + ')').join(', ');
      tr.append(text('td', r.id), text('td', r.type), text('td', r.clients + '/' + r.maxClients, 'clients'), text('td', r.locked ? 'locked' : ''),
        text('td', sum(r.traffic, 'rpcsIn'), 'room-rpcs-in'), text('td', sum(r.traffic, 'rpcsOut'), 'room-rpcs-out'),
        text('td', sum(r.traffic, 'bytesIn')), text('td', sum(r.traffic, 'bytesOut')), text('td', r.tickMs.toFixed(2)), text('td', peers || '–'));
      rooms.append(tr);
    }
    last = s;
  }
  async function poll() {
    try {
      const res = await fetch('/metrics.json?token=' + encodeURIComponent(token), { cache: 'no-store' });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      render(await res.json());
      $('status').textContent = 'live ' + new Date().toLocaleTimeString();
      document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
    } catch (err) { $('status').textContent = 'error: ' + err.message; }
    setTimeout(poll, 1000);
  }
  poll();
})();
</script></body></html>`;
}
