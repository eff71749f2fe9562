(function () {
  var table = document.getElementById("reviews");
  if (!table) return;
  var body = table.tBodies[0];
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var search = document.getElementById("q");
  var count = document.getElementById("count");
  // A large site carries every review as data (its rows are made when shown, a page at a
  // time); a small one has every row in the table already.
  var block = document.getElementById("review-data");
  var data = block ? JSON.parse(block.textContent) : null;
  var size = data ? data.page_rows : Infinity;
  var page = 1;
  var shown = [];
  var mark = document.getElementById("draft-mark");
  var items = data ? data.reviews.map(fromData) : Array.prototype.slice.call(body.rows).map(fromRow);

  // An item: its filter values, its text for the search, its sort keys, and its row.
  function fromRow(row) {
    var values = {};
    selects.forEach(function (select) {
      var key = select.getAttribute("data-filter");
      values[key] = (row.getAttribute("data-" + key) || "").split("|");
    });
    var keys = {};
    ["date", "id", "rank", "title", "status", "ttr"].forEach(function (key) {
      keys[key] = row.getAttribute("data-" + key) || "";
    });
    return { row: row, values: values, text: row.textContent.toLowerCase(), keys: keys };
  }
  function fromData(d) {
    var v = data.values;
    var item = {
      row: null,
      d: d,
      severity: v.severity[d[4]],
      services: d[5].map(function (i) { return v.services[i]; }),
      tags: d[6].map(function (i) { return v.tags[i]; }),
      status: v.status[d[7]]
    };
    item.values = { severity: [item.severity], services: item.services, tags: item.tags, status: [item.status] };
    item.text = [d[0] || "—", d[1], item.severity, (d[11] && mark ? mark.content.textContent : "") + d[10], item.services.join(", "),
      item.tags.join(", "), item.status, d[9], d[12] || ""].join("\n").toLowerCase();
    item.keys = { date: d[0], id: d[1], rank: d[3], title: d[10].toLowerCase(), status: item.status, ttr: d[8] === null ? -1 : d[8] };
    return item;
  }
  function cell(tr, name, text) {
    var td = document.createElement("td");
    td.className = name;
    if (text !== undefined) td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  // Each name whole on its line (`bot-management` does not break at its hyphen).
  function items(td, names) {
    names.forEach(function (name, i) {
      if (i > 0) td.appendChild(document.createTextNode(", "));
      var span = document.createElement("span");
      span.className = "item";
      span.textContent = name;
      td.appendChild(span);
    });
  }
  function link(href, text) {
    var a = document.createElement("a");
    a.setAttribute("href", href);
    a.textContent = text;
    return a;
  }
  // The same cells as the rows the page was written with.
  function makeRow(item) {
    var d = item.d;
    var tr = document.createElement("tr");
    cell(tr, "date", d[0] || "—");
    cell(tr, "mono").appendChild(link(d[2], d[1]));
    var badge = document.createElement("span");
    badge.className = "badge sev-" + d[3];
    badge.textContent = item.severity;
    cell(tr, "sev").appendChild(badge);
    var title = cell(tr, "title");
    if (d[11] && mark) title.appendChild(mark.content.cloneNode(true));
    title.appendChild(link(d[2], d[10]));
    items(cell(tr, "services small"), item.services);
    items(cell(tr, "tags small"), item.tags);
    cell(tr, "status status-" + item.status, item.status);
    cell(tr, "ttr small", d[9]);
    var problem = cell(tr, "problem small");
    if (d[12] && d[13]) problem.appendChild(link(d[13], d[12]));
    else if (d[12]) problem.textContent = d[12];
    return tr;
  }
  function apply() {
    var text = search.value.toLowerCase();
    shown = items.filter(function (item) {
      var ok = true;
      selects.forEach(function (select) {
        if (!select.value) return;
        if (item.values[select.getAttribute("data-filter")].indexOf(select.value) < 0) ok = false;
      });
      if (text && item.text.indexOf(text) < 0) ok = false;
      if (!data) item.row.hidden = !ok;
      return ok;
    });
    count.textContent = shown.length + " of " + items.length + " reviews";
    if (data) show();
  }
  // One page of the matching reviews, and buttons for the others.
  function show(focus) {
    var last = Math.max(1, Math.ceil(shown.length / size));
    page = Math.min(Math.max(page, 1), last);
    var from = (page - 1) * size;
    var rows = document.createDocumentFragment();
    shown.slice(from, from + size).forEach(function (item) {
      if (!item.row) item.row = makeRow(item);
      rows.appendChild(item.row);
    });
    body.textContent = "";
    body.appendChild(rows);
    var nav = document.getElementById("pages");
    nav.textContent = "";
    var range = document.createElement("span");
    range.className = "range";
    range.textContent = shown.length
      ? "Reviews " + (from + 1) + "–" + Math.min(from + size, shown.length) + " of " + shown.length + "."
      : "No review matches.";
    nav.appendChild(range);
    if (last === 1) return;
    function button(label, target, name) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      if (name) b.setAttribute("aria-label", name);
      if (target === page && !name) b.setAttribute("aria-current", "page");
      if (target < 1 || target > last) b.disabled = true;
      b.addEventListener("click", function () {
        page = target;
        show(label);
        save();
      });
      nav.appendChild(b);
      if (focus === label) b.focus();
      return b;
    }
    button("‹", page - 1, "Previous page");
    var gap = false;
    for (var n = 1; n <= last; n++) {
      if (n === 1 || n === last || Math.abs(n - page) <= 2) {
        button(String(n), n);
        gap = false;
      } else if (!gap) {
        var dots = document.createElement("span");
        dots.textContent = "…";
        nav.appendChild(dots);
        gap = true;
      }
    }
    button("›", page + 1, "Next page");
    if (focus && document.activeElement === document.body) {
      var current = nav.querySelector("[aria-current]");
      if (current) current.focus();
    }
  }
  // Filters live in the address (#severity=SEV1&services=api&q=pool), so a view can be shared.
  function save() {
    var parts = [];
    selects.forEach(function (select) {
      if (select.value) parts.push(select.getAttribute("data-filter") + "=" + encodeURIComponent(select.value));
    });
    if (search.value) parts.push("q=" + encodeURIComponent(search.value));
    if (data && page > 1) parts.push("page=" + page);
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
  }
  location.hash.replace(/^#/, "").split("&").forEach(function (part) {
    var kv = part.split("=");
    if (kv.length !== 2) return;
    var value;
    try { value = decodeURIComponent(kv[1]); } catch (e) { return; }
    if (kv[0] === "q") { search.value = value; return; }
    if (kv[0] === "page") { page = parseInt(value, 10) || 1; return; }
    selects.forEach(function (select) {
      if (select.getAttribute("data-filter") !== kv[0]) return;
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === value) select.value = value;
      }
    });
  });
  function changed() { page = 1; apply(); save(); }
  selects.forEach(function (select) { select.addEventListener("change", changed); });
  search.addEventListener("input", changed);
  Array.prototype.slice.call(document.querySelectorAll("th[data-sort] button")).forEach(function (button) {
    button.addEventListener("click", function () {
      var th = button.parentNode;
      var key = th.getAttribute("data-sort");
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      Array.prototype.slice.call(document.querySelectorAll("th[data-sort]")).forEach(function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      items.sort(function (a, b) {
        var x = a.keys[key];
        var y = b.keys[key];
        return (x < y ? -1 : x > y ? 1 : 0) * dir;
      });
      if (data) { page = 1; apply(); save(); } else items.forEach(function (item) { body.appendChild(item.row); });
    });
  });
  document.getElementById("filters").hidden = false;
  apply();
})();
