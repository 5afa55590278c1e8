import { TransferMode } from '../../core/index.js';
import type { PacketTraceEntry, TraceEntry } from './packet-trace.js';
import type { SimEvent, Simulation } from './simulation.js';

/** What a timeline shows: a trace, plus names for its addresses, connection events and a repro line. */
export interface TimelineInput {
  readonly trace: readonly TraceEntry[];
  /** Address → column name (peers that used several addresses share a column). Default: the addresses. */
  readonly names?: ReadonlyMap<string, string>;
  /** Connection events (`Simulation.events`), shown at the side of their peer's column. */
  readonly events?: readonly SimEvent[];
  readonly title?: string;
  /** A line that reproduces the run (shown at the top). */
  readonly repro?: string;
}

/** Options of `renderTimeline`. */
export interface TimelineOptions {
  /** At most this many packets are drawn (the first ones); the page says so when it cuts. Default 20,000. */
  readonly maxPackets?: number;
}

/** What kind of message a packet is, from the SceneMultiplayer command in its first byte. */
export type PacketKind = 'RPC' | 'CACHE' | 'raw' | 'SPAWN' | 'DESPAWN' | 'SYNC' | 'SYS' | 'NET';

// By SceneMultiplayer command: REMOTE_CALL, SIMPLIFY_PATH, CONFIRM_PATH, RAW, SPAWN, DESPAWN, SYNC, SYS.
const KINDS: readonly PacketKind[] = ['RPC', 'CACHE', 'CACHE', 'raw', 'SPAWN', 'DESPAWN', 'SYNC', 'SYS'];

/**
 * The kind of a traced packet: transport handshakes (`connect`, `accept`, `reject`, `disconnect`) are
 * `NET`; data is decoded from the SceneMultiplayer command byte (`head & 7`: REMOTE_CALL → RPC,
 * SIMPLIFY_PATH/CONFIRM_PATH → CACHE, RAW → raw, SPAWN, DESPAWN, SYNC, SYS); an empty payload is raw.
 */
export function packetKind(entry: Pick<PacketTraceEntry, 'message' | 'head'>): PacketKind {
  if (entry.message !== 'data') return 'NET';
  if (entry.head < 0) return 'raw';
  return KINDS[entry.head & 7]!;
}

/** A packet as the page gets it (also what a test compares the drawn arrows with). */
export interface TimelinePacket {
  readonly index: number;
  readonly from: string;
  readonly to: string;
  readonly kind: PacketKind;
  /** `connect`, `accept`, … for NET packets; else the kind. */
  readonly label: string;
  readonly size: number;
  readonly channel: number;
  readonly mode: 'reliable' | 'unreliable' | 'ordered';
  readonly sentMs: number;
  readonly arriveMs: number | null;
  readonly outcome: PacketTraceEntry['outcome'];
  readonly attempt: number;
  /** Delivered before a packet sent earlier on the same (from, to, channel, mode) stream. */
  readonly reordered: boolean;
}

/** A side mark: a connection event of a peer, or a note (user annotation). */
export interface TimelineMark {
  readonly timeMs: number;
  /** The peer's column, or null for a note of the whole run. */
  readonly peer: string | null;
  readonly text: string;
}

/** The page's model of a trace: columns, packets and marks. */
export interface TimelineModel {
  readonly title: string;
  readonly repro: string | null;
  readonly peers: readonly string[];
  readonly packets: readonly TimelinePacket[];
  readonly marks: readonly TimelineMark[];
  /** Packets in the trace, before `maxPackets` cut. */
  readonly totalPackets: number;
}

const MODES: Record<number, TimelinePacket['mode']> = {
  [TransferMode.RELIABLE]: 'reliable',
  [TransferMode.UNRELIABLE]: 'unreliable',
  [TransferMode.UNRELIABLE_ORDERED]: 'ordered',
};

/** Builds the model a timeline page draws: one column per peer (server first), one packet per trace entry. */
export function timelineModel(input: TimelineInput, options: TimelineOptions = {}): TimelineModel {
  const max = options.maxPackets ?? 20_000;
  const name = (address: string): string => input.names?.get(address) ?? address;
  const peers: string[] = [];
  const seen = new Set<string>();
  const addPeer = (p: string): void => {
    if (!seen.has(p)) {
      seen.add(p);
      peers.push(p);
    }
  };
  for (const n of input.names?.values() ?? []) addPeer(n);
  const packets: TimelinePacket[] = [];
  const marks: TimelineMark[] = [];
  // Newest arrival per stream so far (in send order), to spot packets that overtake earlier ones.
  const newest = new Map<string, number>();
  let total = 0;
  for (const e of input.trace) {
    if (e.type === 'note') {
      marks.push({ timeMs: e.timeMs, peer: null, text: e.text });
      continue;
    }
    total++;
    const from = name(e.from);
    const to = name(e.to);
    addPeer(from);
    addPeer(to);
    let reordered = false;
    if (e.deliverAtMs !== null && e.message === 'data') {
      const key = `${e.from}\u0000${e.to}\u0000${e.channel}\u0000${e.mode}`;
      const latest = newest.get(key) ?? -Infinity;
      reordered = e.deliverAtMs < latest;
      if (e.deliverAtMs > latest) newest.set(key, e.deliverAtMs);
    }
    if (packets.length >= max) continue;
    const kind = packetKind(e);
    packets.push({
      index: e.index,
      from,
      to,
      kind,
      label: kind === 'NET' ? e.message : kind,
      size: e.size,
      channel: e.channel,
      mode: MODES[e.mode] ?? 'reliable',
      sentMs: e.timeMs,
      arriveMs: e.deliverAtMs,
      outcome: e.outcome,
      attempt: e.attempt,
      reordered,
    });
  }
  for (const ev of input.events ?? []) {
    addPeer(ev.peer);
    marks.push({ timeMs: ev.timeMs, peer: ev.peer, text: `${ev.event}${ev.args.length > 0 ? `(${ev.args.join(', ')})` : ''}` });
  }
  marks.sort((a, b) => a.timeMs - b.timeMs);
  return { title: input.title ?? 'scenenet timeline', repro: input.repro ?? null, peers, packets, marks, totalPackets: total };
}

/** The timeline input of a Simulation: its trace, peer names and connection events. */
export function simulationTimeline(sim: Simulation, extra: { title?: string; repro?: string } = {}): TimelineInput {
  return { trace: sim.trace, names: sim.addressNames, events: sim.events, ...extra };
}

/**
 * A self-contained HTML page (no external resource) that draws a trace: one column per peer, time
 * flowing down, an arrow per packet labelled with kind, size, channel and mode; drops, duplicates,
 * reorders, stale and retransmitted packets marked; connection events and notes at the side; filters
 * by peer and kind; zoom (buttons, slider, Ctrl+wheel). Each drawn arrow is an SVG `g.pkt` with
 * `data-index` (its trace index), for tests.
 */
export function renderTimeline(input: TimelineInput | TimelineModel, options: TimelineOptions = {}): string {
  const model = 'packets' in input ? input : timelineModel(input, options);
  const data = JSON.stringify(model).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(model.title)}</title>
<style>${PAGE_CSS}</style></head>
<body>
<header>
  <h1>${escapeHtml(model.title)}</h1>
  ${model.repro === null ? '' : `<p class="repro">repro: <code>${escapeHtml(model.repro)}</code></p>`}
  <div id="controls"></div>
  <p id="summary"></p>
  <div id="colheads"></div>
</header>
<main><svg id="chart" xmlns="http://www.w3.org/2000/svg"></svg></main>
<script type="application/json" id="timeline-data">${data}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const PAGE_CSS = `
body{font:13px system-ui,sans-serif;margin:0;color:#222;background:#fff}
header{position:sticky;top:0;background:#f6f7f9;border-bottom:1px solid #ccd;padding:6px 12px;z-index:2}
h1{font-size:16px;margin:2px 0}
.repro code{background:#fff;border:1px solid #ccd;padding:1px 4px;user-select:all}
#controls label{margin-right:10px;white-space:nowrap}
#controls fieldset{display:inline-block;border:1px solid #ccd;margin:2px 6px 2px 0;padding:2px 6px}
#summary{margin:4px 0;color:#555}
#colheads{position:relative;height:18px;margin:0 -12px}
#colheads span{position:absolute;width:200px;margin-left:-100px;text-align:center;font-weight:bold}
main{overflow:auto}
svg text{font:11px system-ui,sans-serif}
.col{stroke:#99a;stroke-width:1}
.colname{font-weight:bold;font-size:13px}
.pkt line{stroke-width:1.4}
.pkt text{fill:#333}
.nolabels .pkt text{display:none}
.k-RPC line{stroke:#1f6feb}.k-SYNC line{stroke:#2da44e}.k-SPAWN line,.k-DESPAWN line{stroke:#8250df}
.k-SYS line{stroke:#bf8700}.k-CACHE line{stroke:#57606a}.k-raw line{stroke:#6e7781}.k-NET line{stroke:#cf222e}
.o-duplicated line{stroke-dasharray:5 3}
.o-dropped line,.o-partitioned line{stroke-dasharray:2 3;opacity:.8}
.o-stale line{opacity:.5}
.reordered line{stroke-width:2.6}
.x{stroke:#cf222e;stroke-width:2}
.badge{font-weight:bold}
.mark text{fill:#444}.mark line{stroke:#e5534b;stroke-dasharray:1 3}
.note text{fill:#6639ba;font-style:italic}.note line{stroke:#8250df;stroke-dasharray:4 3}
.axis text{fill:#888}.axis line{stroke:#eee}
`;

// The page's renderer (plain browser JS, no dependencies).
const PAGE_SCRIPT = `
(() => {
  const M = JSON.parse(document.getElementById('timeline-data').textContent);
  const svg = document.getElementById('chart');
  const controls = document.getElementById('controls');
  const summary = document.getElementById('summary');
  const kinds = [...new Set(M.packets.map((p) => p.kind))].sort();
  const state = { peers: new Set(M.peers), kinds: new Set(kinds), scale: 2 };
  const times = M.packets.flatMap((p) => p.arriveMs === null ? [p.sentMs] : [p.sentMs, p.arriveMs]).concat(M.marks.map((m) => m.timeMs));
  const t0 = times.length ? Math.min(...times) : 0;
  const t1 = times.length ? Math.max(...times) : 0;
  const SIDE = 260, COL = 230, TOP = 24;
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => '&#' + c.charCodeAt(0) + ';');
  function box(title, items, set) {
    const f = document.createElement('fieldset');
    f.innerHTML = '<legend>' + title + '</legend>' + items.map((i) => '<label><input type="checkbox" checked data-v="' + esc(i) + '"> ' + esc(i) + '</label>').join('');
    f.addEventListener('change', (e) => { const v = e.target.dataset.v; if (e.target.checked) set.add(v); else set.delete(v); render(); });
    controls.appendChild(f);
  }
  box('peers', M.peers, state.peers);
  box('kinds', kinds, state.kinds);
  const zoom = document.createElement('fieldset');
  zoom.innerHTML = '<legend>zoom (px per ms)</legend><button data-z="0.5">−</button> <input id="zoom" type="range" min="-4" max="5" step="0.25" value="1"> <button data-z="2">+</button> <span id="zoomval"></span>';
  controls.appendChild(zoom);
  const slider = zoom.querySelector('#zoom');
  const setScale = (s) => { state.scale = Math.min(32, Math.max(1 / 16, s)); slider.value = Math.log2(state.scale); render(); };
  slider.addEventListener('input', () => setScale(2 ** Number(slider.value)));
  zoom.addEventListener('click', (e) => { if (e.target.dataset.z) setScale(state.scale * Number(e.target.dataset.z)); });
  window.addEventListener('wheel', (e) => { if (!e.ctrlKey) return; e.preventDefault(); setScale(state.scale * (e.deltaY < 0 ? 1.25 : 0.8)); }, { passive: false });
  window.timeline = { model: M, state, setScale, render };
  function render() {
    const cols = M.peers.filter((p) => state.peers.has(p));
    const x = new Map(cols.map((p, i) => [p, SIDE + 40 + i * COL]));
    const y = (t) => TOP + (t - t0) * state.scale;
    const height = y(t1) + 60, width = SIDE + 80 + cols.length * COL;
    svg.setAttribute('width', width); svg.setAttribute('height', height);
    svg.classList.toggle('nolabels', state.scale < 0.75);
    const out = [];
    const step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000].find((s) => s * state.scale >= 40) || 20000;
    out.push('<g class="axis">');
    for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) out.push('<line x1="0" x2="' + width + '" y1="' + y(t) + '" y2="' + y(t) + '"/><text x="4" y="' + (y(t) - 2) + '">' + t + ' ms</text>');
    out.push('</g>');
    for (const p of cols) out.push('<line class="col" x1="' + x.get(p) + '" x2="' + x.get(p) + '" y1="' + (TOP - 10) + '" y2="' + height + '"/>');
    // Column names stay in the sticky header while the chart scrolls.
    document.getElementById('colheads').innerHTML = cols.map((p) => '<span style="left:' + x.get(p) + 'px">' + esc(p) + '</span>').join('');
    let marks = 0;
    for (const m of M.marks) {
      if (m.peer !== null && !state.peers.has(m.peer)) continue;
      marks++;
      const yy = y(m.timeMs);
      const cls = m.peer === null ? 'note' : 'mark';
      const label = (m.peer === null ? '✎ ' : m.peer + ': ') + m.text;
      const x2 = m.peer === null ? width : x.get(m.peer);
      out.push('<g class="' + cls + '"><line x1="' + (SIDE - 4) + '" x2="' + x2 + '" y1="' + yy + '" y2="' + yy + '"/><text x="' + (SIDE - 6) + '" y="' + (yy + 4) + '" text-anchor="end">' + esc(label.length > 42 ? label.slice(0, 41) + '…' : label) + '<title>' + esc(label) + '</title></text></g>');
    }
    let shown = 0;
    for (const p of M.packets) {
      if (!state.kinds.has(p.kind) || !x.has(p.from) || !x.has(p.to)) continue;
      shown++;
      const x1 = x.get(p.from), y1 = y(p.sentMs);
      const lost = p.arriveMs === null;
      const x2 = lost ? (x1 + x.get(p.to)) / 2 : x.get(p.to);
      const y2 = lost ? y1 + 6 : y(p.arriveMs);
      const cls = 'pkt k-' + p.kind + ' o-' + p.outcome + (p.reordered ? ' reordered' : '');
      const text = p.label + ' ' + p.size + 'B ch' + p.channel + ' ' + p.mode;
      const badges = [];
      if (p.outcome !== 'delivered') badges.push(p.outcome === 'duplicated' ? 'dup' : p.outcome);
      if (p.reordered) badges.push('reordered');
      if (p.attempt > 0) badges.push('retx ' + p.attempt);
      const tip = '#' + p.index + ' ' + p.from + ' → ' + p.to + ': ' + text + (badges.length ? ' [' + badges.join(', ') + ']' : '') + '\\nsent ' + p.sentMs.toFixed(1) + ' ms' + (lost ? '' : ', arrives ' + p.arriveMs.toFixed(1) + ' ms');
      const dir = x2 >= x1 ? 1 : -1;
      out.push('<g class="' + cls + '" data-index="' + p.index + '" data-kind="' + p.kind + '" data-from="' + esc(p.from) + '" data-to="' + esc(p.to) + '" data-outcome="' + p.outcome + '"><title>' + esc(tip) + '</title>');
      out.push('<line x1="' + x1 + '" y1="' + y1 + '" x2="' + x2 + '" y2="' + y2 + '"/>');
      if (lost) out.push('<path class="x" d="M' + (x2 - 4) + ' ' + (y2 - 4) + 'l8 8m0 -8l-8 8"/>');
      else out.push('<path d="M' + x2 + ' ' + y2 + 'l' + (-7 * dir) + ' -3l0 6z"/>');
      const tx = x1 + (x2 - x1) * 0.3, ty = y1 + (y2 - y1) * 0.3 - 3;
      out.push('<text x="' + tx + '" y="' + ty + '">' + esc(text) + (badges.length ? ' <tspan class="badge">' + esc(badges.join(' ')) + '</tspan>' : '') + '</text></g>');
    }
    svg.innerHTML = out.join('');
    document.getElementById('zoomval').textContent = state.scale.toFixed(2);
    summary.textContent = shown + ' of ' + M.packets.length + ' packets shown' + (M.totalPackets > M.packets.length ? ' (the trace has ' + M.totalPackets + '; only the first ' + M.packets.length + ' are drawn)' : '') + ', ' + marks + ' marks; ' + (t1 - t0).toFixed(0) + ' ms of virtual time. Hover an arrow for details; Ctrl+wheel zooms.';
  }
  render();
})();
`;
