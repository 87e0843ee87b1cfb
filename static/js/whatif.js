// What-if weights: the result follows the weights and the patient-share slider, without a page load.
// Without JavaScript the same form posts back and the server renders the result and draws the chart;
// this only enhances it. The JSON answer is data only (totals, ranks, influence, sweep lines): this
// script builds the ranking table, the sentences, the chart (SVG) and its data table from it.
// The chances of coming first (a Monte-Carlo run on the server) are asked for once the lead stops
// moving, not on every move; until they arrive the page says they are being updated.
const form = document.getElementById("whatif-form");

const SVG = "http://www.w3.org/2000/svg";
// The server's chart colours (scoring/charts.py PALETTE), so both pictures look alike.
const PALETTE = ["#005eb8", "#ffb81c", "#007f3b", "#ae2573", "#41b6e6", "#330072", "#ed8b00",
  "#00a499", "#768692", "#003087"];
const TEXT = "#212b32";
const GRID = "#d8dde0";
const RED = "#d5281b";
const QUIET_MS = 600; // no move for this long: work out the chances

function el(name, attributes = {}, text = null) {
  const node = document.createElement(name);
  Object.entries(attributes).forEach(([key, value]) => node.setAttribute(key, value));
  if (text !== null) node.textContent = text;
  return node;
}

function svgEl(name, attributes = {}, text = null) {
  const node = document.createElementNS(SVG, name);
  Object.entries(attributes).forEach(([key, value]) => node.setAttribute(key, String(value)));
  if (text !== null) node.textContent = text;
  return node;
}

const one = (value) => value.toFixed(1);
const percent = (fraction) => `${Math.round(100 * fraction)}%`;

function rankChange(change) {
  if (!change) return "No change";
  const places = Math.abs(change) === 1 ? " place" : " places";
  return (change > 0 ? `Up ${change}` : `Down ${-change}`) + places;
}

// An NHS.UK responsive table, as the nhsuk-frontend-jinja table macro writes it.
function table(caption, head, rows) {
  const node = el("table", { class: "nhsuk-table nhsuk-table--responsive", role: "table" });
  node.append(el("caption", { class: "nhsuk-table__caption nhsuk-table__caption--s" }, caption));
  const thead = el("thead", { class: "nhsuk-table__head", role: "rowgroup" });
  const headRow = el("tr", { class: "nhsuk-table__row", role: "row" });
  head.forEach((text) => headRow.append(el("th", { class: "nhsuk-table__header", scope: "col", role: "columnheader" }, text)));
  thead.append(headRow);
  const tbody = el("tbody", { class: "nhsuk-table__body" });
  rows.forEach((cells) => {
    const row = el("tr", { class: "nhsuk-table__row", role: "row" });
    cells.forEach((text, i) => {
      const cell = el("td", { class: "nhsuk-table__cell", role: "cell" });
      cell.append(el("span", { class: "nhsuk-table__heading", "aria-hidden": "true" }, `${head[i]} `));
      cell.append(document.createTextNode(text));
      row.append(cell);
    });
    tbody.append(row);
  });
  node.append(thead, tbody);
  return node;
}

function details(summary, content) {
  const node = el("details", { class: "nhsuk-details" });
  const top = el("summary", { class: "nhsuk-details__summary" });
  top.append(el("span", { class: "nhsuk-details__summary-text" }, summary));
  const body = el("div", { class: "nhsuk-details__text" });
  body.append(content);
  node.append(top, body);
  return node;
}

// Who leads among passing bidders at patient share alpha ("Tie: A and B" when tied).
function leaderAt(lines, alpha) {
  const passing = lines.filter((line) => !line.failing);
  if (!passing.length) return "None (no bidder passes)";
  const total = (line) => alpha * line.patient + (1 - alpha) * line.other;
  const best = Math.max(...passing.map(total));
  const top = passing.filter((line) => total(line) >= best - 1e-9).map((line) => line.label);
  return top.length === 1 ? top[0] : `Tie: ${top.join(", ")}`;
}

// The winner-against-share chart as SVG: one straight line per bidder, total = α P + (1 − α) O.
function sweepChart(chart, tipping) {
  const lines = chart.lines;
  const width = 720;
  const plot = { left: 56, right: 700, top: 16, bottom: 300 };
  const legendRows = Math.ceil(lines.length / 3);
  const height = plot.bottom + 60 + 22 * legendRows;
  const values = lines.flatMap((line) => [line.patient, line.other]);
  const low = Math.max(0, Math.floor(Math.min(...values) / 10) * 10 - 10);
  const high = Math.min(100, Math.ceil(Math.max(...values) / 10) * 10 + 10);
  const x = (share) => plot.left + (plot.right - plot.left) * share;
  const y = (points) => plot.bottom - (plot.bottom - plot.top) * ((points - low) / ((high - low) || 1));
  const svg = svgEl("svg", {
    class: "app-chart app-chart--live", viewBox: `0 0 ${width} ${height}`, width, height,
    role: "img", "aria-labelledby": "sweep-svg-title sweep-svg-desc", focusable: "false",
  });
  svg.append(svgEl("title", { id: "sweep-svg-title" }, chart.title));
  svg.append(svgEl("desc", { id: "sweep-svg-desc" }, chart.alt));
  const grid = svgEl("g", { stroke: GRID, "stroke-width": 1 });
  const labels = svgEl("g", { fill: TEXT, "font-size": 12, "font-family": "Arial, sans-serif" });
  for (let share = 0; share <= 1.0001; share += 0.2) {
    grid.append(svgEl("line", { x1: x(share), x2: x(share), y1: plot.top, y2: plot.bottom }));
    labels.append(svgEl("text", { x: x(share), y: plot.bottom + 18, "text-anchor": "middle" }, percent(share)));
  }
  for (let points = low; points <= high; points += 10) {
    grid.append(svgEl("line", { x1: plot.left, x2: plot.right, y1: y(points), y2: y(points) }));
    labels.append(svgEl("text", { x: plot.left - 8, y: y(points) + 4, "text-anchor": "end" }, String(points)));
  }
  labels.append(svgEl("text", { x: (plot.left + plot.right) / 2, y: plot.bottom + 40, "text-anchor": "middle" },
    "Share of the marks given to patient-scored sections (%)"));
  labels.append(svgEl("text", { x: 14, y: (plot.top + plot.bottom) / 2, "text-anchor": "middle",
    transform: `rotate(-90 14 ${(plot.top + plot.bottom) / 2})` }, "Total (points out of 100)"));
  svg.append(grid, labels);
  tipping.forEach((t) => {
    svg.append(svgEl("line", { x1: x(t), x2: x(t), y1: plot.top, y2: plot.bottom, stroke: RED,
      "stroke-width": 1.5, "stroke-dasharray": "2 3" }));
    svg.append(svgEl("text", { x: x(t) + 4, y: plot.bottom - 6, fill: RED, "font-size": 11,
      "font-family": "Arial, sans-serif" }, `Winner changes: ${percent(t)}`));
  });
  svg.append(svgEl("line", { x1: x(chart.today), x2: x(chart.today), y1: plot.top, y2: plot.bottom,
    stroke: TEXT, "stroke-width": 2 }));
  svg.append(svgEl("text", { x: x(chart.today) + 4, y: plot.top + 12, fill: TEXT, "font-size": 12,
    "font-family": "Arial, sans-serif" }, `Today: ${percent(chart.today)}`));
  lines.forEach((line, i) => {
    const colour = PALETTE[i % PALETTE.length];
    svg.append(svgEl("line", { x1: x(0), y1: y(line.other), x2: x(1), y2: y(line.patient), stroke: colour,
      "stroke-width": 2.5, "stroke-dasharray": line.failing ? "6 4" : "none" }));
    const row = Math.floor(i / 3);
    const column = i % 3;
    const lx = plot.left + column * 215;
    const ly = plot.bottom + 62 + row * 22;
    svg.append(svgEl("line", { x1: lx, x2: lx + 24, y1: ly - 4, y2: ly - 4, stroke: colour, "stroke-width": 3,
      "stroke-dasharray": line.failing ? "6 4" : "none" }));
    svg.append(svgEl("text", { x: lx + 30, y: ly, fill: TEXT, "font-size": 12, "font-family": "Arial, sans-serif" },
      line.label + (line.failing ? " (fails a minimum score)" : "")));
  });
  return svg;
}

function sweepTable(chart) {
  const head = ["Patient share", ...chart.lines.map((line) => line.label), "Would win"];
  const rows = [];
  for (let i = 0; i <= 20; i += 1) {
    const alpha = i / 20;
    rows.push([percent(alpha), ...chart.lines.map((line) => one(alpha * line.patient + (1 - alpha) * line.other)),
      leaderAt(chart.lines, alpha)]);
  }
  return table("Totals and winner at each patient share", head, rows);
}

const CHANCE_HEADING = "Chance of coming first if the weights changed a little";

function render(target, data, chancesNote) {
  const parts = [el("h2", {}, "Result with these weights")];
  if (!data.scored) {
    parts.push(el("p", {}, `Patient-scored sections are worth ${percent(data.share)} of the marks with these weights.`));
    parts.push(el("p", {}, "There are no submitted scores yet, so there is no ranking to show."));
    target.replaceChildren(...parts);
    return;
  }
  if (!data.complete) {
    const verb = data.missing === 1 ? "score is" : "scores are";
    parts.push(el("p", {}, `${data.missing} ${verb} still missing, so this is a provisional ranking.`));
  }
  const head = ["Rank", "Bidder", "Total (out of 100)", "Points from patient scores", "With the official weights",
    "Rank compared with official", CHANCE_HEADING];
  const rows = data.ranking.map((row) => [
    String(row.rank) + (row.failing ? " (fails a minimum score)" : ""),
    row.label,
    one(row.total),
    one(row.patient_points),
    row.official_total === null ? "Official weights do not add up to 100" : `${one(row.official_total)} (rank ${row.official_rank})`,
    row.rank_change === null ? "" : rankChange(row.rank_change),
    row.chance === null ? chancesNote : percent(row.chance),
  ]);
  parts.push(table("Ranking with these weights", head, rows));
  parts.push(el("h3", {}, "What this means"));
  const list = el("ul", { class: "nhsuk-list nhsuk-list--bullet" });
  data.summary.forEach((sentence) => list.append(el("li", {}, sentence)));
  if (!data.chances) list.append(el("li", { class: "app-chances-pending" }, "The chances of coming first are being updated."));
  parts.push(list);
  if (data.chart) {
    parts.push(el("h3", { id: "sweep-chart" }, data.chart.title));
    parts.push(sweepChart(data.chart, data.tipping_points));
    data.chart.description.forEach((sentence) => parts.push(el("p", {}, sentence)));
    parts.push(details("Show the chart's figures as a table", sweepTable(data.chart)));
  }
  target.replaceChildren(...parts);
}

if (form && window.fetch) {
  const url = form.dataset.jsonUrl;
  const token = form.querySelector("input[name='csrf_token']");
  const inputs = Array.from(form.querySelectorAll("input.app-weight"));
  const slider = document.getElementById("share");
  const output = document.getElementById("share-output");
  const total = document.getElementById("weights-total");
  const result = document.getElementById("whatif-result");
  const announce = document.getElementById("whatif-announce");
  const chancesStatus = document.getElementById("whatif-chances");
  // The slider rescales the weights the lead last typed, not its own last result, so the
  // proportions within each group survive a trip to 0% or 100% and back.
  let base = null;
  let wanted = null; // the latest request to make: {withShare, chances}
  let busy = false; // one request at a time: a move while it runs replaces the next one
  let sent = 0;
  let quiet = null;

  const number = (text) => Number(String(text).trim().replace(/%$/, ""));

  function showTotal() {
    const sum = inputs.reduce((acc, input) => acc + (number(input.value) || 0), 0);
    total.textContent = String(Math.round(sum * 1e6) / 1e6);
  }

  function setError(input, message) {
    const group = input.closest(".nhsuk-form-group");
    let error = group.querySelector(".app-live-error");
    if (!message) {
      if (error) error.remove();
      group.classList.remove("nhsuk-form-group--error");
      input.removeAttribute("aria-invalid");
      return;
    }
    if (!error) {
      error = el("p", { class: "nhsuk-error-message app-live-error", id: `${input.id}-live-error` });
      input.closest(".nhsuk-input-wrapper, .nhsuk-form-group").before(error);
      input.setAttribute("aria-describedby", error.id);
    }
    error.textContent = message;
    group.classList.add("nhsuk-form-group--error");
    input.setAttribute("aria-invalid", "true");
  }

  function setChancesStatus(text) {
    if (chancesStatus) chancesStatus.textContent = text;
  }

  function body(request) {
    const weights = {};
    inputs.forEach((input) => { weights[input.dataset.code] = input.value; });
    if (request.withShare) {
      if (!base) base = weights;
      Object.assign(weights, base);
    }
    return { weights, share: request.withShare && slider ? Number(slider.value) : null, chances: request.chances };
  }

  async function send(request) {
    busy = true;
    sent += 1;
    const mine = sent;
    let response;
    let data = null;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
        body: JSON.stringify(body(request)),
        credentials: "same-origin",
      });
      data = await response.json().catch(() => null);
    } catch (error) {
      announce.textContent = "The result could not be updated. Use the button to show it.";
    }
    busy = false;
    if (response && mine === sent && !wanted) show(request, response, data);
    if (wanted) {
      const next = wanted;
      wanted = null;
      send(next);
    }
  }

  function show(request, response, data) {
    inputs.forEach((input) => setError(input, null));
    if (!response.ok || !data) {
      const errors = (data && data.errors) || [{ field: "", message: "The result could not be updated." }];
      errors.forEach((error) => {
        const input = document.getElementById(error.field);
        if (input && input.classList.contains("app-weight")) setError(input, error.message);
      });
      announce.textContent = errors.map((error) => error.message).join(" ");
      setChancesStatus("");
      return;
    }
    if (request.withShare) {
      inputs.forEach((input) => {
        if (data.fields[input.id] !== undefined) input.value = data.fields[input.id];
      });
      showTotal();
    } else if (slider) {
      slider.value = String(Math.round(100 * data.share));
      output.textContent = `${slider.value}%`;
    }
    render(result, data, "Being updated");
    showEvidence(data.evidence);
    announce.textContent = data.announcement;
    setChancesStatus(data.chances ? "The chances of coming first are up to date." : "The chances of coming first are being updated.");
  }

  // The review's evidence beside the slider: the sentence comes in the data; the share marked on
  // the server-drawn curve moves to the new share (the plot's ends are on the SVG's data-plot-*).
  function showEvidence(evidence) {
    const sentence = document.getElementById("review-evidence-sentence");
    if (!sentence || !evidence) return;
    sentence.textContent = evidence.sentence;
    const svg = document.getElementById("evidence-rate");
    const mark = document.getElementById("evidence-rate-today");
    if (!svg || !mark) return;
    const left = Number(svg.dataset.plotLeft);
    const right = Number(svg.dataset.plotRight);
    const share = Math.min(Math.max(evidence.share, 0), 1);
    const x = left + (right - left) * share;
    const line = mark.querySelector("line");
    const label = mark.querySelector("text");
    line.setAttribute("x1", x);
    line.setAttribute("x2", x);
    const late = share > 0.6;
    label.setAttribute("x", x + (late ? -4 : 4));
    label.setAttribute("text-anchor", late ? "end" : "start");
    label.textContent = `This procurement: ${percent(share)}`;
  }

  function ask(withShare, chances) {
    const request = { withShare, chances };
    if (busy) wanted = request;
    else send(request);
  }

  // A move: the fast answer at once (or as soon as the one in flight returns), and the
  // chances once nothing has moved for QUIET_MS.
  function moved(withShare) {
    ask(withShare, false);
    clearTimeout(quiet);
    quiet = setTimeout(() => ask(withShare, true), QUIET_MS);
  }

  inputs.forEach((input) => input.addEventListener("input", () => {
    base = null;
    showTotal();
    moved(false);
  }));
  if (slider) {
    slider.addEventListener("input", () => {
      output.textContent = `${slider.value}%`;
      moved(true);
    });
  }
}
