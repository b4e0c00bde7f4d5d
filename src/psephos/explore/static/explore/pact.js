// The pact builder's script: as the controls move, ask the API for the scenario's seats and
// redraw what it answers (totals, flips, map, a seat's trace). It computes no seat itself:
// the page works without it, and every number here is the server's.

const DEBOUNCE_MS = 250;

const form = document.getElementById("pact-form");
if (form) {
  start(form);
}

function start(form) {
  const api = form.dataset.api;
  let timer = 0;
  let controller = null;
  let focusTrace = false;

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(recompute, DEBOUNCE_MS);
  };

  async function recompute() {
    clearTimeout(timer);
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    const query = new URLSearchParams(new FormData(form)).toString();
    const results = document.getElementById("pact-results");
    results.setAttribute("aria-busy", "true");
    let data;
    let ok;
    try {
      const response = await fetch(`${api}?${query}`, {
        signal: controller.signal, headers: { Accept: "application/json" },
      });
      ok = response.ok;
      data = await response.json().catch(() => ({
        message: `The server answered ${response.status} ${response.statusText}.`,
      }));
    } catch (error) {
      if (error.name === "AbortError") {
        return;
      }
      showProblem("The server could not be reached; the figures shown are the last ones counted.");
      results.removeAttribute("aria-busy");
      return;
    }
    results.removeAttribute("aria-busy");
    if (!ok) {
      showProblem(data.message || "The server could not count this scenario.");
      return;
    }
    showProblem("");
    if (!document.getElementById("pact-totals")) {
      // The page was drawn without a result (its first scenario was refused): draw it anew.
      window.location.assign(data.page);
      return;
    }
    render(data);
    history.replaceState(null, "", data.page + (data.explain ? "#explain" : ""));
    if (focusTrace && data.explain) {
      document.getElementById("explain").focus();
    }
    focusTrace = false;
  }

  form.addEventListener("input", (event) => {
    syncControl(event.target);
    schedule();
  });
  form.addEventListener("change", (event) => {
    syncControl(event.target);
    schedule();
  });
  // Outside the form in the page, but one of its controls (form="pact-form").
  document.getElementById("explain-seat")?.addEventListener("change", schedule);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    recompute();
  });
  document.addEventListener("click", (event) => {
    const sortLink = event.target.closest("a[data-sort]");
    if (sortLink) {
      event.preventDefault();
      sortFlips(sortLink.dataset.sort);
      return;
    }
    const seatLink = event.target.closest("a[data-explain], #pact-map a[data-code]");
    if (seatLink) {
      event.preventDefault();
      document.getElementById("explain-seat").value =
        seatLink.dataset.explain || seatLink.dataset.code;
      focusTrace = true;
      recompute();
    }
  });
}

// A ticked party's slider is sent with the form; an unticked one's is not.
function syncControl(control) {
  if (control.type === "checkbox" && control.dataset.rate) {
    const slider = document.getElementById(control.dataset.rate);
    slider.disabled = !control.checked;
  }
  if (control.type === "range") {
    const percent = `${Math.round(Number(control.value) * 100)} %`;
    document.getElementById(`${control.id}-shown`).textContent = percent;
    control.setAttribute("aria-valuetext", percent);
  }
}

function showProblem(message) {
  document.getElementById("pact-problem").textContent = message;
}

function render(data) {
  text("pact-title", data.title);
  renderTotals(data.parties);
  text("pact-draws", data.draws_text);
  text("flips-heading", data.flips_title);
  renderFlips(data.flips);
  renderMap(data.seats, data.explain_href);
  if (data.explain) {
    renderTrace(data.explain);
    document.getElementById("explain-seat").value = data.explain.id;
  }
  for (const [kind, id] of [["scenario_toml", "download-toml"], ["result_json", "download-json"],
    ["result_csv", "download-csv"]]) {
    document.getElementById(id).href = data.downloads[kind];
  }
  for (const link of document.querySelectorAll("a[data-sort]")) {
    link.href = `?${data.query}&sort=${link.dataset.sort}#flips-heading`;
  }
  const top = data.parties.slice(0, 3).map((row) => `${row.label} ${row.after}`).join(", ");
  text("pact-status", `Counted: ${top}. ${data.flips_title}.`);
}

function renderTotals(parties) {
  const body = document.querySelector("#pact-totals tbody");
  body.replaceChildren(...parties.map((row) => {
    const range = row.low === null ? "no draws" : `${row.low}–${row.high}`;
    const tr = element("tr", { "data-party": row.party });
    tr.append(element("th", { scope: "row" }, row.name), numberCell(row.before),
      numberCell(row.after, "num seats-after"),
      numberCell(row.change > 0 ? `+${row.change}` : `${row.change}`), numberCell(range));
    return tr;
  }));
}

function renderFlips(flips) {
  const body = document.querySelector("#pact-flips tbody");
  body.replaceChildren(...flips.map((flip) => {
    const tr = element("tr", { "data-id": flip.id });
    const name = element("th", { scope: "row" });
    name.append(element("a", { href: flip.href, "data-explain": flip.id }, flip.constituency));
    const margin = numberCell(flip.margin_before);
    margin.dataset.margin = flip.margin_before;
    tr.append(name, element("td", {}, flip.before_label), element("td", {}, flip.after_label),
      element("td", {}, flip.standing_label || "–"), margin, numberCell(flip.margin_after));
    return tr;
  }));
  const current = document.querySelector("a[data-sort][aria-current]");
  sortFlips(current ? current.dataset.sort : "margin");
}

// Orders the rows already drawn: by the margin the pact overturned, or by name.
function sortFlips(order) {
  const body = document.querySelector("#pact-flips tbody");
  const name = (row) => row.querySelector("th").textContent;
  const margin = (row) => Number(row.querySelector("[data-margin]").dataset.margin);
  const rows = [...body.rows].sort(order === "name"
    ? (a, b) => name(a).localeCompare(name(b), "en-GB")
    : (a, b) => margin(a) - margin(b) || name(a).localeCompare(name(b), "en-GB"));
  body.replaceChildren(...rows);
  for (const link of document.querySelectorAll("a[data-sort]")) {
    if (link.dataset.sort === order) {
      link.setAttribute("aria-current", "true");
    } else {
      link.removeAttribute("aria-current");
    }
  }
}

// Recolours each hex, retitles it, and hatches the seats the pact changes (drawn by the
// server's own mark shapes: #hex-flipped-dark or -light, as the API says for the fill).
function renderMap(seats, explainHref) {
  const svgNS = "http://www.w3.org/2000/svg";
  for (const seat of seats) {
    const link = document.getElementById(`hex-${seat.id}`);
    if (!link) {
      continue;
    }
    link.setAttribute("href", `${explainHref}${encodeURIComponent(seat.id)}#explain`);
    link.setAttribute("aria-label", seat.title);
    const title = link.querySelector("title");
    if (title) {
      title.textContent = seat.title;
    }
    const fill = link.querySelector(".hex-fill");
    fill.setAttribute("fill", seat.fill);
    for (const mark of link.querySelectorAll(".hex-mark")) {
      mark.remove();
    }
    link.classList.toggle("hex-flipped", seat.flipped);
    if (seat.flipped) {
      const mark = document.createElementNS(svgNS, "use");
      mark.setAttribute("href", `#hex-flipped-${seat.ink}`);
      mark.setAttribute("x", fill.getAttribute("x"));
      mark.setAttribute("y", fill.getAttribute("y"));
      mark.setAttribute("class", "hex-mark");
      link.append(mark);
    }
  }
}

function renderTrace(trace) {
  const panel = document.getElementById("explain");
  const heading = element("h2", { id: "explain-heading" }, `${trace.name}, step by step`);
  let outcome = `Without the pact: ${trace.before_label}, by ${trace.margin_before} votes. `
    + `With it: ${trace.after_label}${trace.winner ? ` (${trace.winner})` : ""}, `
    + `by ${trace.margin_after} votes.`;
  if (trace.standing_label) {
    outcome += ` ${trace.standing_label} stands for the alliance.`;
  }
  if (trace.out_of_scope) {
    outcome += ` Outside the pact: ${trace.out_of_scope}.`;
  }
  const table = element("table", { id: "explain-rows" });
  table.append(element("caption", {}, "Votes at each step"));
  const head = element("tr");
  for (const [label, numeric] of [["Candidate", false], ["Party", false], ["Base", true],
    ["After swing", true], ["Kept", true], ["Received", true], ["With the pact", true]]) {
    head.append(element("th", { scope: "col", class: numeric ? "num" : "" }, label));
  }
  table.append(element("thead", {}, head));
  const body = element("tbody");
  for (const row of trace.rows) {
    const tr = element("tr");
    const notes = (row.stood_down ? " (stands down)" : "") + (row.added ? " (added to stand)" : "");
    tr.append(element("th", { scope: "row" }, (row.name || "(no name given)") + notes),
      element("td", {}, row.label), numberCell(row.base), numberCell(row.swung),
      numberCell(row.kept), numberCell(row.received), numberCell(row.after));
    body.append(tr);
  }
  table.append(body);
  const scroll = element("div", {
    class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Votes at each step",
  }, table);
  const parts = [heading, element("p", { id: "explain-outcome" }, outcome),
    element("p", {}, `Swing: ${trace.swing}.${trace.win_text ? ` ${trace.win_text}` : ""}`),
    scroll];
  if (trace.transfers.length) {
    const list = element("ul", { id: "explain-transfers" });
    for (const line of trace.transfers) {
      const to = line.to.map((item) => `${item.votes} to ${item.label}, `).join("");
      list.append(element("li", {}, `${line.name || line.label} (${line.label}) stands down: `
        + `${line.votes} votes; ${to}${line.abstained} stay at home.`));
    }
    parts.push(list);
  }
  panel.replaceChildren(...parts);
}

function text(id, value) {
  document.getElementById(id).textContent = value;
}

function numberCell(value, className = "num") {
  return element("td", { class: className }, String(value));
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== "") {
      node.setAttribute(name, value);
    }
  }
  node.append(...children);
  return node;
}
