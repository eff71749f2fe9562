(function () {
  var table = document.getElementById("reviews");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var search = document.getElementById("q");
  var count = document.getElementById("count");
  function apply() {
    var text = search.value.toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = true;
      selects.forEach(function (select) {
        if (!select.value) return;
        var have = (row.getAttribute("data-" + select.getAttribute("data-filter")) || "").split("|");
        if (have.indexOf(select.value) < 0) ok = false;
      });
      if (text && row.textContent.toLowerCase().indexOf(text) < 0) ok = false;
      row.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + " of " + rows.length + " reviews";
  }
  // Filters live in the address (#severity=SEV1&services=api&q=pool), so a view can be shared.
  function save() {
    var parts = [];
    selects.forEach(function (select) {
      if (select.value) parts.push(select.getAttribute("data-filter") + "=" + encodeURIComponent(select.value));
    });
    if (search.value) parts.push("q=" + encodeURIComponent(search.value));
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
  }
  location.hash.replace(/^#/, "").split("&").forEach(function (part) {
    var kv = part.split("=");
    if (kv.length !== 2) return;
    var value;
    try { value = decodeURIComponent(kv[1]); } catch (e) { return; }
    if (kv[0] === "q") { search.value = value; return; }
    selects.forEach(function (select) {
      if (select.getAttribute("data-filter") !== kv[0]) return;
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === value) select.value = value;
      }
    });
  });
  selects.forEach(function (select) { select.addEventListener("change", function () { apply(); save(); }); });
  search.addEventListener("input", function () { apply(); save(); });
  Array.prototype.slice.call(document.querySelectorAll("th[data-sort] button")).forEach(function (button) {
    button.addEventListener("click", function () {
      var th = button.parentNode;
      var key = th.getAttribute("data-sort");
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      Array.prototype.slice.call(document.querySelectorAll("th[data-sort]")).forEach(function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = a.getAttribute("data-" + key) || "";
        var y = b.getAttribute("data-" + key) || "";
        return (x < y ? -1 : x > y ? 1 : 0) * dir;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  document.getElementById("filters").hidden = false;
  apply();
})();
