/* The page's script: a search box that filters every table row and list entry of the briefing,
   and sortable columns on its long tables. It only adds: without it (scripts off, or a PDF)
   the page reads the same, every row shown. It fetches nothing; the page's Content-Security-
   Policy would refuse any request, and allows this script by its SHA-256. */
"use strict";

/* What the search filters: table rows, motives, forecasts and list entries of the main text. */
const ENTRIES = "tbody > tr, .motive, .forecast, ul:not(.change-counts) > li, ol > li";
/* A table of fewer rows is read at a glance: only longer ones get sort buttons. */
const SORTABLE_ROWS = 5;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DATE = new RegExp(`^(?:(\\d{1,2}) )?(?:(${MONTHS.join("|")}) )?(\\d{4})$`);
const NUMBER = /[+\-\u2212]?\d+(?:\.\d+)?/g;
const EMPTY = /^[\u2013\u2014-]?$/;  /* an empty cell, or a dash standing for none */
const collator = new Intl.Collator(document.documentElement.lang || "en", { numeric: true, sensitivity: "base" });

/* Text compared without case or accents: "seoul" finds "Seoul", "etat" finds "État". */
function folded(text) {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

function addSearch(main) {
  const entries = [...main.querySelectorAll(ENTRIES)].filter((el) => !el.parentElement.closest(ENTRIES));
  const texts = entries.map((el) => folded([el.closest(".actor")?.querySelector("h3")?.innerText, el.innerText].join(" ")));
  const actors = [...main.querySelectorAll(".actor")];

  const box = document.createElement("div");
  box.className = "search";
  box.setAttribute("role", "search");
  box.innerHTML =
    '<label for="search-input">Search the tables and lists</label> ' +
    '<input id="search-input" type="search" autocomplete="off" spellcheck="false" aria-describedby="search-status"> ' +
    '<span id="search-status" class="search-status" role="status"></span>';
  const input = box.querySelector("input");
  const status = box.querySelector("[role=status]");

  function apply() {
    const terms = folded(input.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    entries.forEach((el, i) => {
      el.hidden = !terms.every((term) => texts[i].includes(term));
      shown += el.hidden ? 0 : 1;
    });
    for (const actor of actors) actor.hidden = !actor.querySelector(".motive:not([hidden])") && actor.querySelector(".motive") !== null;
    status.textContent = terms.length ? `${shown} of ${entries.length} rows and entries shown` : `All ${entries.length} rows and entries shown`;
  }
  input.addEventListener("input", apply);
  /* A link to an entry the search hides (a citation, the ledger) shows everything again first. */
  document.addEventListener("click", (event) => {
    const link = event.target.closest('a[href^="#"]');
    const target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (target && target.closest("[hidden]")) {
      input.value = "";
      apply();
    }
  });
  apply();
  main.before(box);  /* with its count already said, so that a screen reader does not announce it on load */
}

/* A cell's sort key: a date as a number (a month or a year counts from its first day, as the
   briefing orders them), a number, or its text; null when empty. */
function keyOf(text, kind) {
  if (EMPTY.test(text)) return null;
  if (kind === "date") {
    const [, day, month, year] = DATE.exec(text);
    return Number(year) * 10000 + (month ? MONTHS.indexOf(month) + 1 : 1) * 100 + Number(day || 1);
  }
  if (kind === "number") return Number(text.match(NUMBER)[0].replace("\u2212", "-"));
  return text;
}

/* A column holds dates when every filled cell is one, numbers when every filled cell is short and has exactly one. */
function kindOf(texts) {
  const filled = texts.filter((text) => !EMPTY.test(text));
  if (filled.every((text) => DATE.test(text))) return "date";
  if (filled.every((text) => text.length <= 30 && (text.match(NUMBER) || []).length === 1)) return "number";
  return "text";
}

function compare(a, b, direction) {
  if (a === null || b === null) return (a === null) - (b === null);  /* empty cells last, either way */
  return direction * (typeof a === "number" ? a - b : collator.compare(a, b));
}

function makeSortable(table) {
  const body = table.tBodies[0];
  const head = table.tHead;
  if (!head || table.tBodies.length !== 1 || body.rows.length < SORTABLE_ROWS) return;
  const headers = [...head.rows[head.rows.length - 1].cells];
  const rows = [...body.rows];
  if (!rows.every((row) => row.cells.length === headers.length)) return;
  const keys = headers.map((_, column) => {
    const texts = rows.map((row) => row.cells[column].innerText.replace(/\s+/g, " ").trim());
    const kind = kindOf(texts);
    return new Map(rows.map((row, i) => [row, keyOf(texts[i], kind)]));
  });
  const order = new Map(rows.map((row, i) => [row, i]));

  headers.forEach((th, column) => {
    /* A header that is a link already (the evidence codes of the ACH matrix) stays one: no control inside another. */
    if (th.querySelector("a, button")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.append(...th.childNodes);
    th.append(button);
    /* Ascending, descending, then the briefing's own order again. */
    button.addEventListener("click", () => {
      const current = th.getAttribute("aria-sort");
      const next = current === null ? "ascending" : current === "ascending" ? "descending" : null;
      headers.forEach((other) => other.removeAttribute("aria-sort"));
      const direction = next === "ascending" ? 1 : -1;
      const sorted = next ? [...rows].sort((a, b) => compare(keys[column].get(a), keys[column].get(b), direction) || order.get(a) - order.get(b)) : rows;
      if (next) th.setAttribute("aria-sort", next);
      body.append(...sorted);
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const main = document.querySelector("main");
  if (!main) return;
  for (const table of main.querySelectorAll("table")) makeSortable(table);
  addSearch(main);
});
