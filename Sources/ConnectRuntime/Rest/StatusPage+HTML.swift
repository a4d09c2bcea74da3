extension StatusPage {
    /// The page; `{{NONCE}}`, `{{REGISTRY}}` and `{{PROXY}}` are filled in by `StatusPage`. Everything the
    /// script shows from the API goes into the page as text (`textContent`, attribute values), never as
    /// HTML: connector names, configs and traces are user input.
    static let template = #"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <link rel="icon" href="data:,">
        <title>Tributary · Connectors</title>
        <style nonce="{{NONCE}}">
        :root { --fg:#1d2330; --muted:#5d6778; --line:#dfe3ea; --bg:#f5f7fa; --card:#fff; --accent:#2457c5;
          --ok:#1a7f37; --warn:#9a6700; --bad:#c62828; --idle:#6e7781; --info:#0969da; }
        * { box-sizing:border-box; }
        body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
          color:var(--fg); background:var(--bg); }
        header { display:flex; align-items:center; gap:16px; padding:10px 24px; background:#1d2330; color:#fff; }
        header h1 { font-size:17px; margin:0; font-weight:600; letter-spacing:.2px; }
        header .meta { color:#aab3c2; font-size:12px; }
        header nav { margin-left:auto; display:flex; gap:14px; align-items:center; }
        header a { color:#cfe0ff; text-decoration:none; font-size:13px; }
        header a:hover { text-decoration:underline; }
        main { padding:18px 24px 40px; max-width:1280px; margin:0 auto; }
        .bar { display:flex; align-items:center; gap:12px; margin-bottom:12px; }
        .bar h2 { font-size:15px; margin:0; }
        .bar .spacer { flex:1; }
        #message { min-height:20px; font-size:13px; }
        #message.error { color:var(--bad); }
        #message.ok { color:var(--ok); }
        .card { background:var(--card); border:1px solid var(--line); border-radius:8px; overflow:hidden; }
        table { width:100%; border-collapse:collapse; }
        th, td { text-align:left; padding:7px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
        th { font-size:12px; font-weight:600; color:var(--muted); background:#fafbfc; text-transform:uppercase;
          letter-spacing:.4px; }
        tr.connector td { border-top:2px solid var(--line); }
        tr.connector td.name { font-weight:600; word-break:break-all; }
        tr.task td { font-size:13px; color:var(--muted); }
        tr.task td.name { padding-left:28px; }
        td.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
        th.num { text-align:right; }
        .worker { font-family:ui-monospace,"DejaVu Sans Mono",monospace; font-size:12px; }
        .state { display:inline-block; padding:1px 8px; border-radius:10px; font-size:11px; font-weight:600;
          letter-spacing:.3px; color:#fff; background:var(--idle); }
        .state.RUNNING { background:var(--ok); }
        .state.PAUSED { background:var(--warn); }
        .state.FAILED { background:var(--bad); }
        .state.RESTARTING { background:var(--info); }
        .type { font-size:12px; color:var(--muted); }
        .actions { white-space:nowrap; text-align:right; }
        button { font:inherit; font-size:12px; padding:3px 10px; border:1px solid #c5ccd6; border-radius:5px;
          background:#fff; color:var(--fg); cursor:pointer; }
        button:hover { background:#eef2f7; }
        button.primary { background:var(--accent); border-color:var(--accent); color:#fff; }
        button.primary:hover { background:#1d48a6; }
        button.danger { color:var(--bad); border-color:#e3b4b4; }
        button + button { margin-left:4px; }
        details.trace { margin-top:4px; }
        details.trace summary { cursor:pointer; color:var(--bad); font-size:12px; }
        details.trace pre { margin:6px 0 2px; padding:8px 10px; max-height:320px; overflow:auto; background:#fff5f5;
          border:1px solid #f0caca; border-radius:5px; font:12px/1.4 ui-monospace,"DejaVu Sans Mono",monospace;
          white-space:pre-wrap; word-break:break-word; color:#5b1010; }
        .empty { padding:28px; text-align:center; color:var(--muted); }
        #editor { margin-top:22px; display:none; }
        #editor.open { display:block; }
        #editor .bar { padding:12px 16px 0; margin:0; }
        #editor .body { padding:14px 16px; display:grid; grid-template-columns:minmax(0,3fr) minmax(0,2fr); gap:18px; }
        label { display:block; font-size:12px; font-weight:600; color:var(--muted); margin:0 0 4px; }
        input, select, textarea { font:inherit; width:100%; padding:6px 8px; border:1px solid #c5ccd6;
          border-radius:5px; background:#fff; }
        textarea { font:12.5px/1.45 ui-monospace,"DejaVu Sans Mono",monospace; min-height:260px; resize:vertical; }
        .field { margin-bottom:12px; }
        .buttons { display:flex; gap:8px; }
        #problems h3 { font-size:13px; margin:0 0 6px; }
        #problems ul { list-style:none; margin:0; padding:0; }
        #problems li { padding:6px 8px; border:1px solid #f0caca; background:#fff5f5; border-radius:5px;
          margin-bottom:6px; }
        #problems li code { font-weight:600; color:var(--fg); }
        #problems li span { display:block; color:var(--bad); font-size:12.5px; }
        #problems .fine { color:var(--ok); }
        .hint { font-size:12px; color:var(--muted); }
        </style>
        </head>
        <body data-registry="{{REGISTRY}}" data-proxy="{{PROXY}}">
        <header>
          <h1>Tributary</h1>
          <span class="meta" id="version"></span>
          <nav id="links"></nav>
        </header>
        <main>
          <div class="bar">
            <h2>Connectors</h2>
            <span id="message" role="status"></span>
            <span class="spacer"></span>
            <span class="hint" id="updated"></span>
            <button class="primary" id="new">New connector</button>
          </div>
          <div class="card">
            <table id="connectors">
              <thead>
                <tr><th>Name</th><th>Type</th><th>State</th><th>Worker</th><th class="num">Records/s</th><th></th></tr>
              </thead>
              <tbody></tbody>
            </table>
          </div>
          <section class="card" id="editor">
            <div class="bar"></div>
            <form id="form" novalidate>
              <div class="body">
                <div>
                  <div class="field">
                    <label for="plugin">Plugin</label>
                    <select id="plugin"></select>
                  </div>
                  <div class="field">
                    <label for="name">Name</label>
                    <input id="name" autocomplete="off" spellcheck="false">
                  </div>
                  <div class="field">
                    <label for="config">Configuration (JSON object)</label>
                    <textarea id="config" spellcheck="false"></textarea>
                  </div>
                  <div class="buttons">
                    <button type="submit" class="primary" id="save">Create</button>
                    <button type="button" id="validate">Validate</button>
                    <button type="button" id="cancel">Cancel</button>
                  </div>
                </div>
                <div id="problems"></div>
              </div>
            </form>
          </section>
        </main>
        <script nonce="{{NONCE}}">
        "use strict";
        (() => {
          // Everything shown comes from the API (connector names, configs and traces are user input): it is
          // only ever put in the page as text nodes or attribute values, never parsed as HTML.
          const $ = (sel) => document.querySelector(sel);
          function el(tag, props, ...children) {
            const e = document.createElement(tag);
            for (const [k, v] of Object.entries(props || {})) {
              if (v == null || v === false) continue;
              if (k === "class") e.className = v;
              else if (k === "text") e.textContent = v;
              else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
              else if (k.startsWith("data-")) e.setAttribute(k, v);
              else e[k] = v;
            }
            for (const c of children) if (c != null) e.append(c);
            return e;
          }
          const path = (...parts) => parts.map(encodeURIComponent).join("/");
          let editing = null;
          let previous = null;  // {at, counters} of the last metrics poll
          let rates = new Map();  // "connector\u0000task" -> records/s

          function say(text, kind) {
            const m = $("#message");
            m.textContent = text || "";
            m.className = kind || "";
          }

          async function api(method, url, body) {
            const init = { method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
            if (body !== undefined) {
              init.headers["Content-Type"] = "application/json";
              init.body = JSON.stringify(body);
            }
            const r = await fetch(url, init);
            const text = await r.text();
            let json = null;
            try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
            if (!r.ok) {
              const msg = json && json.message ? json.message : (text || r.statusText);
              throw new Error(`${method} ${decodeURIComponent(url)}: ${r.status} ${msg}`);
            }
            return json;
          }

          // Prometheus text: `name{label="value",...} number`; label values escape \\, \" and \n.
          function parseMetrics(text) {
            const out = new Map();
            const wanted =
              /^kafka_connect_(source_task_source_record_write_total|sink_task_sink_record_send_total)\{(.*)\}\s+(\S+)/;
            for (const line of text.split("\n")) {
              const m = wanted.exec(line);
              if (!m) continue;
              const labels = {};
              const re = /(\w+)="((?:[^"\\]|\\.)*)"/g;
              let l;
              while ((l = re.exec(m[2]))) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c));
              if (labels.connector == null || labels.task == null) continue;
              out.set(labels.connector + "\u0000" + labels.task, Number(m[3]));
            }
            return out;
          }

          async function pollMetrics() {
            let text;
            try {
              const r = await fetch("/metrics", { credentials: "same-origin" });
              if (!r.ok) return;
              text = await r.text();
            } catch (e) { return; }
            const now = performance.now();
            const counters = parseMetrics(text);
            if (previous) {
              const seconds = (now - previous.at) / 1000;
              rates = new Map();
              for (const [key, value] of counters) {
                const before = previous.counters.get(key);
                if (before === undefined || seconds <= 0) continue;
                rates.set(key, Math.max(0, value >= before ? value - before : value) / seconds);
              }
            }
            previous = { at: now, counters };
          }

          function formatRate(v) {
            if (v === undefined) return "—";
            return v >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(1);
          }

          function stateBadge(state) {
            const cls = "state " + (state || "UNASSIGNED").replace(/[^A-Z]/g, "");
            return el("span", { class: cls, text: state || "UNKNOWN" });
          }

          function traceBlock(trace, what) {
            if (!trace) return null;
            const first = trace.split("\n")[0];
            return el("details", { class: "trace" },
              el("summary", { text: `${what} trace: ${first.length > 120 ? first.slice(0, 120) + "…" : first}` }),
              el("pre", { text: trace }));
          }

          function actionButton(label, title, run, cls) {
            return el("button", { type: "button", class: cls, title, text: label, "data-action": label.toLowerCase(),
              onclick: async (ev) => {
                ev.target.disabled = true;
                try { await run(); await refresh(); } catch (e) { say(e.message, "error"); }
                finally { ev.target.disabled = false; }
              } });
          }

          function connectorRows(name, entry, openTraces) {
            const status = entry.status || {};
            const info = entry.info || {};
            const c = status.connector || {};
            const tasks = (status.tasks || []).slice().sort((a, b) => a.id - b.id);
            const taskRates = tasks.map((t) => rates.get(name + "\u0000" + t.id));
            const known = taskRates.filter((r) => r !== undefined);
            const total = known.length ? known.reduce((a, b) => a + b, 0) : undefined;
            const base = "/connectors/" + path(name);
            const paused = c.state === "PAUSED" || c.state === "STOPPED";
            const actions = el("td", { class: "actions" },
              paused
                ? actionButton("Resume", "PUT " + base + "/resume", () => api("PUT", base + "/resume"))
                : actionButton("Pause", "PUT " + base + "/pause", () => api("PUT", base + "/pause")),
              actionButton("Restart", "Restart the connector and its tasks",
                () => api("POST", base + "/restart?includeTasks=true")),
              actionButton("Edit", "Edit the configuration", () => edit(name)),
              actionButton("Delete", "DELETE " + base, async () => {
                if (!confirm(`Delete connector ${name}?`)) return;
                await api("DELETE", base);
                say(`Deleted ${name}.`, "ok");
              }, "danger"));
            const rows = [el("tr", { class: "connector", "data-connector": name },
              el("td", { class: "name" }, el("span", { text: name }), traceBlock(c.trace, "Connector")),
              el("td", { class: "type", text: status.type || info.type || "" }),
              el("td", { class: "connector-state" }, stateBadge(c.state)),
              el("td", { class: "worker", text: c.worker_id || "" }),
              el("td", { class: "num", text: formatRate(total), title: "records/s, tasks of this worker" }),
              actions)];
            tasks.forEach((t, i) => {
              const trace = traceBlock(t.trace, "Task");
              if (trace && openTraces.has(name + "\u0000" + t.id)) trace.open = true;
              rows.push(el("tr", { class: "task", "data-connector": name, "data-task": String(t.id) },
                el("td", { class: "name" }, el("span", { text: `task ${t.id}` }), trace),
                el("td"),
                el("td", { class: "task-state" }, stateBadge(t.state)),
                el("td", { class: "worker", text: t.worker_id || "" }),
                el("td", { class: "num", text: formatRate(taskRates[i]) }),
                el("td", { class: "actions" }, actionButton("Restart", "Restart this task",
                  () => api("POST", base + "/tasks/" + path(String(t.id)) + "/restart")))));
            });
            if (c.trace && openTraces.has(name)) rows[0].querySelector("details").open = true;
            return rows;
          }

          async function refresh() {
            let all;
            try {
              [all] = await Promise.all([api("GET", "/connectors?expand=status&expand=info"), pollMetrics()]);
            } catch (e) { say(e.message, "error"); return; }
            // Traces a reader has opened stay open across refreshes.
            const openTraces = new Set();
            for (const d of document.querySelectorAll("#connectors details[open]")) {
              const tr = d.closest("tr");
              const task = tr.getAttribute("data-task");
              openTraces.add(tr.getAttribute("data-connector") + (task == null ? "" : "\u0000" + task));
            }
            const body = el("tbody");
            const names = Object.keys(all || {}).sort();
            for (const name of names) body.append(...connectorRows(name, all[name], openTraces));
            if (!names.length) {
              body.append(el("tr", {}, el("td", { class: "empty", colSpan: 6, text: "No connectors yet." })));
            }
            $("#connectors tbody").replaceWith(body);
            $("#updated").textContent = "updated " + new Date().toLocaleTimeString("en-GB");
          }

          // The Schema Registry and REST Proxy listeners of this worker (`scheme://host:port`; empty when off).
          function serviceLink(listener, pathPart, text) {
            const m = /^(https?):\/\/(.*):(\d+)$/i.exec(listener || "");
            if (!m) return null;
            let host = m[2].replace(/^\[(.*)\]$/, "$1");
            if (!host || host === "0.0.0.0" || host === "::") host = location.hostname.replace(/^\[(.*)\]$/, "$1");
            if (host.includes(":")) host = "[" + host + "]";
            const href = `${m[1].toLowerCase()}://${host}:${m[3]}${pathPart}`;
            return el("a", { href, text, target: "_blank", rel: "noopener noreferrer" });
          }

          async function loadPlugins() {
            const plugins = await api("GET", "/connector-plugins");
            const select = $("#plugin");
            select.replaceChildren(...plugins.map((p) =>
              el("option", { value: p["class"], text: `${p["class"]} (${p.type}, ${p.version})` })));
          }

          function openEditor(title, name, config) {
            editing = name;
            $("#editor .bar").replaceChildren(el("h2", { text: title }));
            $("#name").value = name || "";
            $("#name").readOnly = !!name;
            $("#config").value = JSON.stringify(config, null, 2);
            $("#save").textContent = name ? "Save" : "Create";
            $("#problems").replaceChildren();
            if (config["connector.class"]) $("#plugin").value = config["connector.class"];
            $("#editor").classList.add("open");
            $("#editor").scrollIntoView({ block: "nearest" });
          }

          async function edit(name) {
            const config = await api("GET", "/connectors/" + path(name) + "/config");
            delete config.name;
            openEditor(`Edit ${name}`, name, config);
          }

          function readForm() {
            const name = $("#name").value.trim();
            let config;
            try { config = JSON.parse($("#config").value); } catch (e) {
              throw new Error("The configuration is not JSON: " + e.message);
            }
            if (!config || typeof config !== "object" || Array.isArray(config)) {
              throw new Error("The configuration must be a JSON object");
            }
            for (const [k, v] of Object.entries(config)) if (v !== null && typeof v !== "string") config[k] = String(v);
            if (!config["connector.class"]) config["connector.class"] = $("#plugin").value;
            return { name, config };
          }

          // PUT /connector-plugins/{class}/config/validate; the errors are listed under their keys.
          async function validate(name, config) {
            const url = "/connector-plugins/" + path(config["connector.class"]) + "/config/validate";
            const result = await api("PUT", url, Object.assign({}, config, { name }));
            const bad = (result.configs || []).filter((c) => c.value && c.value.errors && c.value.errors.length);
            const box = $("#problems");
            if (!bad.length) {
              box.replaceChildren(el("p", { class: "fine", text: "The configuration is valid." }));
              return true;
            }
            box.replaceChildren(
              el("h3", { text: `${result.error_count} error(s)` }),
              el("ul", {}, ...bad.map((c) => el("li", { "data-key": c.value.name },
                el("code", { text: c.value.name }), ...c.value.errors.map((e) => el("span", { text: e }))))));
            return false;
          }

          async function save(ev) {
            ev.preventDefault();
            say("");
            try {
              const { name, config } = readForm();
              if (!(await validate(name, config))) return;
              if (!name) throw new Error("The connector needs a name");
              await api("PUT", "/connectors/" + path(name) + "/config", config);
              say(editing ? `Saved ${name}.` : `Created ${name}.`, "ok");
              $("#editor").classList.remove("open");
              editing = null;
              await refresh();
            } catch (e) { say(e.message, "error"); }
          }

          $("#form").addEventListener("submit", save);
          $("#validate").addEventListener("click", async () => {
            try {
              const { name, config } = readForm();
              await validate(name, config);
            } catch (e) { say(e.message, "error"); }
          });
          $("#cancel").addEventListener("click", () => { $("#editor").classList.remove("open"); editing = null; });
          $("#new").addEventListener("click", () =>
            openEditor("New connector", null, { "connector.class": $("#plugin").value, "tasks.max": "1" }));
          $("#plugin").addEventListener("change", () => {
            let config = {};
            try { config = JSON.parse($("#config").value) || {}; } catch (e) { config = {}; }
            config["connector.class"] = $("#plugin").value;
            $("#config").value = JSON.stringify(config, null, 2);
          });

          const links = $("#links");
          for (const l of [serviceLink(document.body.dataset.registry, "/subjects", "Schema Registry subjects"),
            serviceLink(document.body.dataset.proxy, "/topics", "REST Proxy topics")]) if (l) links.append(l);
          links.append(el("a", { href: "/metrics", text: "Metrics" }));
          api("GET", "/").then((v) => { $("#version").textContent = `Kafka Connect REST API ${v.version}` +
            (v.kafka_cluster_id ? ` · cluster ${v.kafka_cluster_id}` : ""); }).catch(() => {});
          loadPlugins().catch((e) => say(e.message, "error"));
          refresh();
          setInterval(refresh, 2000);
        })();
        </script>
        </body>
        </html>
        """#
}
