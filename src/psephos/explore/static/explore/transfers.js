// The transfer (Sankey) chart of a count: one column per stage, a band for every flow of
// votes the server reported (psephos.reports.flows: "kept" and "transfer" flows, the
// non-transferable and lost piles), the quota marked on candidates' bars. It draws only
// the figures it is given: no counting, no quota, no transfer is computed here; numbers
// shown are the server's own strings. Layout (positions, widths) is d3-sankey's.
//
// Use: <figure data-transfer-chart data-flows="ID"> with a JSON data block of that id, or
// data-flows-url="URL" to fetch the same JSON.
import { select, sankey, sankeyLinkHorizontal } from "./vendor/charts.js";

// Tableau 10: a colour per candidate (the labels and titles carry the names too).
const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
  "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
const PILE_COLOURS = { "non-transferable": "#505a5f", lost: "#0b0c0c", pool: "#8c8c8c" };
const COLUMN_WIDTH = 130;
const MARGIN = { top: 58, bottom: 24, left: 130 };

function colour(node) {
  return node.kind === "candidate" ? PALETTE[node.candidate % PALETTE.length]
    : PILE_COLOURS[node.kind];
}

// Columns: a stage's holders, with a column of its own before it for a pooled transfer.
function columnsOf(nodes) {
  const keys = [...new Set(nodes.map((n) => n.stage * 2 - (n.between ? 1 : 0)))];
  keys.sort((a, b) => a - b);
  const index = new Map(keys.map((key, i) => [key, i]));
  for (const node of nodes) node.column = index.get(node.stage * 2 - (node.between ? 1 : 0));
  return keys.length;
}

function order(node) {
  if (node.kind === "candidate") return node.candidate;
  return { pool: -1, "non-transferable": 1e6, lost: 1e6 + 1 }[node.kind];
}

// The words beside a bar of the last column: name, a tick if elected, the votes.
function lastLabel(node) {
  const tick = node.status === "elected" ? " ✓" : "";
  return `${node.label}${tick} ${node.votes.replace(/\.0+$/, "")}`;
}

function nodeTitle(node) {
  const status = node.status ? ` (${node.status})` : "";
  const when = node.between ? `transferred at stage ${node.stage}` : `after stage ${node.stage}`;
  return `${node.name}, ${when}: ${node.votes} votes${status}`;
}

function flowTitle(link, stages) {
  const stage = stages.get(link.stage);
  const what = stage ? ` (${stage.label})` : "";
  if (link.kind === "kept") {
    return `Stage ${link.stage}${what}: ${link.source.name} kept ${link.votes} votes`;
  }
  return `Stage ${link.stage}${what}: ${link.source.name} to ${link.target.name}, `
    + `${link.votes} votes`;
}

/** Draw the chart of `data` (the flows JSON) into `figure`, replacing any earlier drawing. */
export function drawTransfers(figure, data) {
  select(figure).selectAll("svg.transfers, p.transfers-note").remove();
  if (data.allocation || data.nodes.length === 0) {
    select(figure).append("p").attr("class", "transfers-note")
      .text("No votes are transferred in this count: the table has every figure.");
    return null;
  }
  const nodes = data.nodes.map((n) => ({ ...n, fixedValue: Number(n.votes) }));
  const links = data.flows.map((f) => ({ ...f, value: Number(f.votes) }));
  const columns = columnsOf(nodes);
  const perColumn = new Map();
  for (const node of nodes) perColumn.set(node.column, (perColumn.get(node.column) || 0) + 1);
  const most = Math.max(...perColumn.values());
  const lastColumn = nodes.filter((n) => n.column === columns - 1);
  const right = Math.max(120, 20 + 7.5 * Math.max(...lastColumn.map((n) => lastLabel(n).length)));
  const margin = { ...MARGIN, right };
  const width = margin.left + margin.right + Math.max(1, columns - 1) * COLUMN_WIDTH;
  const height = margin.top + margin.bottom + Math.max(360, most * 42);

  const layout = sankey()
    .nodeId((n) => n.id)
    .nodeAlign((n) => n.column)
    .nodeWidth(12)
    .nodePadding(10)
    .nodeSort((a, b) => order(a) - order(b))
    .linkSort(null)
    .extent([[margin.left, margin.top], [width - margin.right, height - margin.bottom]]);
  const graph = layout({ nodes, links });
  if (columns === 1) {  // d3-sankey spreads columns over the width: one column has no spread
    for (const node of graph.nodes) [node.x0, node.x1] = [MARGIN.left, MARGIN.left + 12];
  }
  const stages = new Map(data.stages.map((s) => [s.number, s]));

  const svg = select(figure).insert("svg", "figcaption")
    .attr("class", "transfers")
    .attr("viewBox", `0 0 ${width} ${height}`)
    .attr("width", width)
    .attr("height", height)
    .attr("role", "group")
    .attr("aria-label", `Transfer chart of the count, ${data.stages.length} stages`);
  svg.node().style.minWidth = `${Math.min(width, 640)}px`;

  // Stage (or round) headings over the columns of holders.
  const word = figure.dataset.stageWord || "Stage";
  const heads = svg.append("g").attr("class", "stage-heads");
  for (const stage of data.stages) {
    const node = graph.nodes.find((n) => n.stage === stage.number && !n.between);
    if (!node) continue;
    const x = (node.x0 + node.x1) / 2;
    const head = heads.append("text").attr("x", x).attr("y", 18).attr("text-anchor", "middle");
    head.append("tspan").attr("class", "stage-number").text(`${word} ${stage.number}`);
    head.append("tspan").attr("x", x).attr("dy", 16).attr("class", "stage-label")
      .text(stage.label.length > 20 ? `${stage.label.slice(0, 19)}…` : stage.label);
    head.append("title").text(`${word} ${stage.number}: ${stage.label}`
      + (stage.transfer_value ? ` (transfer value ${stage.transfer_value})` : ""));
  }

  const path = sankeyLinkHorizontal();
  svg.append("g").attr("class", "flows").attr("fill", "none")
    .selectAll("path")
    .data(graph.links)
    .join("path")
    .attr("d", path)
    .attr("class", (l) => `flow flow--${l.kind}`)
    .attr("stroke", (l) => colour(l.kind === "kept" ? l.target : l.source))
    .attr("stroke-width", (l) => Math.max(1, l.width))
    .attr("data-stage", (l) => l.stage)
    .attr("data-kind", (l) => l.kind)
    .attr("data-source", (l) => l.source.id)
    .attr("data-target", (l) => l.target.id)
    .attr("data-votes", (l) => l.votes)
    .attr("tabindex", (l) => (l.kind === "transfer" ? 0 : null))
    .attr("role", "img")
    .attr("aria-label", (l) => flowTitle(l, stages))
    .append("title").text((l) => flowTitle(l, stages));

  const holder = svg.append("g").attr("class", "nodes")
    .selectAll("g")
    .data(graph.nodes)
    .join("g")
    .attr("class", (n) => `node node--${n.kind}${n.status ? ` node--${n.status}` : ""}`);
  holder.append("rect")
    .attr("x", (n) => n.x0).attr("y", (n) => n.y0)
    .attr("width", (n) => n.x1 - n.x0).attr("height", (n) => Math.max(1, n.y1 - n.y0))
    .attr("fill", colour)
    .attr("data-node", (n) => n.id)
    .attr("data-votes", (n) => n.votes)
    .attr("tabindex", 0)
    .attr("role", "img")
    .attr("aria-label", nodeTitle)
    .append("title").text(nodeTitle);

  // The quota, where a candidate's bar is tall enough to hold it.
  if (data.quota !== null) {
    const quota = Number(data.quota);
    holder.filter((n) => n.kind === "candidate" && n.value > 0)
      .each(function mark(n) {
        const y = n.y0 + (quota * (n.y1 - n.y0)) / n.value;
        if (y <= n.y1 + 0.5) {
          select(this).append("line").attr("class", "quota")
            .attr("x1", n.x0 - 4).attr("x2", n.x1 + 4).attr("y1", y).attr("y2", y)
            .attr("aria-hidden", "true");
        }
      });
    svg.append("text").attr("class", "quota-key").attr("x", MARGIN.left)
      .attr("y", height - 6).text(`Dashed mark: the quota, ${data.quota} votes`);
  }

  // Names beside the first and the last column; every bar has its title as well.
  const last = columns - 1;
  const left = (n) => n.column === 0 && last > 0;
  holder.filter((n) => n.column === 0 || n.column === last)
    .append("text")
    .attr("class", "node-label")
    .attr("x", (n) => (left(n) ? n.x0 - 6 : n.x1 + 6))
    .attr("y", (n) => (n.y0 + n.y1) / 2)
    .attr("dy", "0.35em")
    .attr("text-anchor", (n) => (left(n) ? "end" : "start"))
    .text((n) => (left(n) ? n.label : lastLabel(n)));
  figure.classList.add("transfer-chart--drawn");
  figure.dataset.drawn = "true";
  return svg.node();
}

async function flowsFor(figure) {
  if (figure.dataset.flows) {
    const block = document.getElementById(figure.dataset.flows);
    return block ? JSON.parse(block.textContent) : null;
  }
  if (figure.dataset.flowsUrl) {
    const response = await fetch(figure.dataset.flowsUrl, { headers: { Accept: "application/json" } });
    return response.ok ? response.json() : null;
  }
  return null;
}

async function drawAll() {
  for (const figure of document.querySelectorAll("[data-transfer-chart]")) {
    const data = await flowsFor(figure);
    if (data) drawTransfers(figure, data);
  }
}

drawAll();
