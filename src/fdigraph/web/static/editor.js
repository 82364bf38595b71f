/* The query editor: YASGUI on this server's endpoint, saved queries as examples,
   and a small bar-chart plugin for numeric results (no file from elsewhere). */
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("editor-settings").textContent);
  var lang = document.documentElement.lang === "en" ? "en" : "vi";
  var SVG = "http://www.w3.org/2000/svg";

  function svg(name, attrs, text) {
    var el = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }

  /* Bars of the first numeric column, labelled by the first other column. */
  function Chart(yasr) { this.yasr = yasr; }
  Chart.prototype.priority = 5;
  Chart.prototype.label = lang === "en" ? "Chart" : "Biểu đồ";
  Chart.prototype.columns = function () {
    var results = this.yasr.results;
    if (!results || !results.getVariables) return null;
    var vars = results.getVariables(), rows = results.getBindings() || [];
    var numeric = vars.filter(function (v) {
      return rows.length > 0 && rows.every(function (r) { return !r[v] || !isNaN(parseFloat(r[v].value)); })
        && rows.some(function (r) { return r[v] && r[v].type !== "uri"; });
    });
    if (!numeric.length) return null;
    var label = vars.filter(function (v) { return v !== numeric[0]; });
    return { value: numeric[0], labels: label, rows: rows.slice(0, 50) };
  };
  Chart.prototype.canHandleResults = function () { return this.columns() !== null; };
  Chart.prototype.getIcon = function () {
    var icon = svg("svg", { viewBox: "0 0 16 16", width: "14", height: "14" });
    [[1, 9, 3, 6], [6, 4, 3, 11], [11, 7, 3, 8]].forEach(function (b) {
      icon.appendChild(svg("rect", { x: b[0], y: b[1], width: b[2], height: b[3], fill: "currentColor" }));
    });
    return icon;
  };
  Chart.prototype.draw = function () {
    var c = this.columns(), el = this.yasr.resultsEl;
    el.innerHTML = "";
    if (!c) return;
    var name = function (r) {
      var parts = c.labels.map(function (v) { return r[v] ? r[v].value.replace(/^.*[\/#]/, "") : ""; });
      return parts.filter(Boolean).join(" · ") || "—";
    };
    var values = c.rows.map(function (r) { return r[c.value] ? parseFloat(r[c.value].value) : 0; });
    var top = Math.max.apply(null, values.map(Math.abs).concat([1e-9]));
    var width = 720, left = 260, row = 24, height = row * c.rows.length + 8;
    var chart = svg("svg", { "class": "chart", viewBox: "0 0 " + width + " " + height, width: width, height: height });
    c.rows.forEach(function (r, i) {
      var y = 4 + i * row, w = Math.max(1, Math.abs(values[i]) / top * (width - left - 120));
      var g = svg("g", { "class": "bar" });
      g.appendChild(svg("text", { x: left - 8, y: y + 13, "text-anchor": "end", "class": "label" }, name(r).slice(0, 40)));
      g.appendChild(svg("rect", { x: left, y: y, width: w.toFixed(1), height: 16, rx: 2 }));
      g.appendChild(svg("text", { x: (left + w + 6).toFixed(1), y: y + 13, "class": "value" },
        values[i].toLocaleString(lang === "en" ? "en-US" : "vi-VN")));
      chart.appendChild(g);
    });
    var caption = document.createElement("p");
    caption.className = "muted";
    caption.textContent = "?" + c.value + (c.rows.length >= 50 ? " (50 " + (lang === "en" ? "rows shown" : "dòng đầu") + ")" : "");
    el.appendChild(caption);
    el.appendChild(chart);
  };

  /* IRIs this server mints are linked to its own pages, not to the base IRI's host:
     the data keeps its IRIs, only the links in the result view change. */
  function localise(root) {
    root.querySelectorAll("a[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      settings.local.forEach(function (pair) {
        if (href.indexOf(pair[0]) === 0) {
          a.setAttribute("href", pair[1] + href.slice(pair[0].length));
          a.removeAttribute("target");
          a.classList.add("local");
        }
      });
    });
  }

  /* The endpoint's JSON error as a message with its line and column, wrapped to the box. */
  function renderError(error) {
    var body = null;
    try { body = JSON.parse(error && error.text || ""); } catch (ignored) { body = null; }
    if (!body || typeof body.error !== "string") return undefined;
    var named = /\bline (\d+), column (\d+)/.exec(body.error);  /* some messages only say it */
    if (!body.line && named) { body.line = +named[1]; body.column = +named[2]; }
    var box = document.createElement("div");
    box.className = "query-error";
    box.setAttribute("role", "alert");
    var head = document.createElement("p");
    head.className = "query-error-head";
    var where = body.line ? (lang === "en" ? "line " + body.line + ", column " + body.column
      : "dòng " + body.line + ", cột " + body.column) : "";
    head.textContent = (lang === "en" ? "Error " : "Lỗi ") + body.status + (where ? " · " + where : "");
    var message = document.createElement("p");
    message.className = "query-error-message";
    message.textContent = body.error;
    box.appendChild(head);
    box.appendChild(message);
    if (body.line) {
      var go = document.createElement("button");
      go.type = "button";
      go.className = "goto";
      go.textContent = lang === "en" ? "Go to line " + body.line : "Tới dòng " + body.line;
      go.addEventListener("click", function () {
        var yasqe = yasgui.getTab().getYasqe();
        yasqe.focus();
        yasqe.setCursor({ line: body.line - 1, ch: Math.max(0, (body.column || 1) - 1) });
      });
      box.appendChild(go);
    }
    return box;
  }

  Yasgui.Yasr.registerPlugin("chart", Chart);
  Yasgui.Yasr.defaults.errorRenderers = [renderError];
  Yasgui.Yasr.defaults.pluginOrder = ["table", "response", "chart"];
  Yasgui.Yasr.defaults.prefixes = settings.prefixes;
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];

  var prologue = Object.keys(settings.prefixes).filter(function (p) {
    return ["fdi", "rdfs", "skos", "qb", "schema", "oa", "area"].indexOf(p) >= 0;
  }).map(function (p) { return "PREFIX " + p + ": <" + settings.prefixes[p] + ">"; }).join("\n");
  var first = settings.examples.length ? settings.examples[0].text
    : prologue + "\n\nSELECT ?s ?label WHERE { ?s a fdi:Province ; rdfs:label ?label } LIMIT 20\n";

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: settings.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: settings.endpoint }]; } },
    persistenceId: "fdigraph-editor",
    populateFromUrl: true,
    yasqe: { value: first, autocompleters: ["prefixes", "variables"] },
    yasr: { prefixes: settings.prefixes, pluginOrder: ["table", "response", "chart"] }
  });
  window.fdigraphEditor = yasgui;
  var root = document.getElementById("yasgui");
  new MutationObserver(function () { localise(root); }).observe(root, { childList: true, subtree: true });
  var current = yasgui.getTab();
  if (current) current.setEndpoint(settings.endpoint);

  var list = document.getElementById("examples");
  settings.examples.forEach(function (q) {
    var li = document.createElement("li"), button = document.createElement("button");
    button.type = "button";
    button.className = "example";
    button.dataset.name = q.name;
    button.textContent = q.title[lang] || q.title.en || q.name;
    button.title = q.description[lang] || q.description.en || "";
    button.addEventListener("click", function () {
      var tab = yasgui.getTab();
      tab.setEndpoint(settings.endpoint);
      tab.setName(q.title[lang] || q.name);
      tab.setQuery(q.text);
      tab.query();
    });
    li.appendChild(button);
    list.appendChild(li);
  });
})();
