/*
 * ELVL events widget for other sites (scheduler/embed). A page adds
 *   <script src="BASE/embed.js" async></script>
 *   <div data-elvl-events data-org="tartu" data-lang="ru" data-type="club,info_day"
 *        data-held-in="en" data-limit="5"></div>
 * and gets the upcoming public events of /api/events, read from the site this script came
 * from, drawn in a shadow root. No cookies (credentials: "omit"), no other site contacted.
 * Colours and font follow CSS custom properties set on the div: --elvl-font, --elvl-color,
 * --elvl-background, --elvl-link, --elvl-muted, --elvl-border, --elvl-focus.
 * Anything that goes wrong shows a quiet link to the events instead; the host page is
 * never broken.
 */
(function () {
  "use strict";

  // Replaced by the words of every configured language when the site serves this script.
  var WORDS = /* words */ {
    en: { none: "No upcoming events", more: "More events", alerts: "Email alerts",
      cancelled: "Cancelled", label: "Upcoming events" }
  } /* end words */;
  var FALLBACK = ["en", "et"];
  var MAX_LIMIT = 50;

  var CSS =
    ":host{display:block;font-family:var(--elvl-font,inherit);color:var(--elvl-color,inherit);" +
    "background:var(--elvl-background,transparent);line-height:1.4}" +
    "ul{list-style:none;margin:0;padding:0}" +
    "li{padding:.5em 0;border-bottom:1px solid var(--elvl-border,rgba(128,128,128,.4));overflow-wrap:anywhere}" +
    "a{color:var(--elvl-link,#005aa3);font-weight:600}" +
    "a:focus-visible{outline:3px solid var(--elvl-focus,currentColor);outline-offset:2px}" +
    ".when,.where{display:block;font-size:.9em;color:var(--elvl-muted,inherit)}" +
    ".cancelled a{text-decoration:line-through}.status{font-weight:700}" +
    ".more{margin:.75em 0 0}p{margin:.5em 0}";

  var script = document.currentScript || document.querySelector('script[src$="/embed.js"]');
  var base;
  try {
    base = new URL(".", script.src).href; // the site (and path) this script was served from
  } catch (error) {
    return; // nowhere to read from: leave the host page as it is
  }

  function element(name, attributes, text) {
    var node = document.createElement(name);
    for (var key in attributes) {
      if (attributes[key] != null) node.setAttribute(key, attributes[key]);
    }
    if (text != null) node.textContent = text;
    return node;
  }

  function languageOf(host) {
    var wanted = (host.getAttribute("data-lang") || document.documentElement.lang || "et")
      .toLowerCase().split("-")[0];
    return WORDS[wanted] ? wanted : WORDS.et ? "et" : "en";
  }

  function limitOf(host) {
    var limit = parseInt(host.getAttribute("data-limit"), 10);
    return limit >= 1 ? Math.min(limit, MAX_LIMIT) : 5;
  }

  function moreUrl(org, language) {
    var single = org && org.indexOf(",") < 0;
    return base + (single ? "city/" + encodeURIComponent(org) : "") + "?lang=" + language;
  }

  function apiUrl(host, language) {
    var params = new URLSearchParams({ hl: language, limit: String(limitOf(host)) });
    var filters = { org: "data-org", type: "data-type", lang: "data-held-in" };
    for (var name in filters) {
      var value = host.getAttribute(filters[name]);
      if (value) params.set(name, value);
    }
    return base + "api/events?" + params.toString();
  }

  // An item's start/end are ISO 8601 with the event's own offset: its wall-clock time is
  // shown as written, whatever zone the visitor's computer is in.
  var STAMP = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/;

  function dayText(parts, language) {
    var day = new Date(Date.UTC(+parts[1], +parts[2] - 1, +parts[3]));
    return new Intl.DateTimeFormat(language, {
      weekday: "short", day: "numeric", month: "short", timeZone: "UTC"
    }).format(day);
  }

  function whenNode(item, language) {
    var start = STAMP.exec(item.start), end = STAMP.exec(item.end);
    var span = element("span", { "class": "when" });
    if (!start || !end) return span;
    var sameDay = start[1] + start[2] + start[3] === end[1] + end[2] + end[3];
    span.appendChild(element("time", { datetime: item.start },
      dayText(start, language) + ", " + start[4] + ":" + start[5]));
    span.appendChild(document.createTextNode("–"));
    span.appendChild(element("time", { datetime: item.end },
      (sameDay ? "" : dayText(end, language) + ", ") + end[4] + ":" + end[5]));
    return span;
  }

  function titleLanguage(item, language) {
    var titles = item.titles || {};
    var order = [language].concat(FALLBACK);
    for (var i = 0; i < order.length; i++) {
      if (titles[order[i]] === item.title) return order[i];
    }
    for (var code in titles) {
      if (titles[code] === item.title) return code;
    }
    return language;
  }

  function entry(item, language, words) {
    var cancelled = item.status === "cancelled";
    var li = element("li", { "class": cancelled ? "cancelled" : null });
    var shown = titleLanguage(item, language);
    var href = item.url + (item.url.indexOf("?") < 0 ? "?" : "&") + "lang=" + language;
    li.appendChild(element("a", { href: href, lang: shown === language ? null : shown }, item.title));
    var when = whenNode(item, language);
    if (cancelled) {
      when.appendChild(document.createTextNode(" "));
      when.appendChild(element("strong", { "class": "status" }, words.cancelled));
    }
    li.appendChild(when);
    if (item.location) li.appendChild(element("span", { "class": "where" }, item.location));
    return li;
  }

  function alertsUrl(org, language) {
    var single = org && org.indexOf(",") < 0;
    return base + "subscribe?" + (single ? "org=" + encodeURIComponent(org) + "&" : "") +
      "lang=" + language;
  }

  function moreLink(box, host, language, words) {
    var org = host.getAttribute("data-org");
    var p = element("p", { "class": "more" });
    p.appendChild(element("a", { href: moreUrl(org, language) }, words.more));
    p.appendChild(document.createTextNode(" · "));
    p.appendChild(element("a", { href: alertsUrl(org, language) }, words.alerts));
    box.appendChild(p);
  }

  function show(box, host, items, language) {
    var words = WORDS[language];
    box.textContent = "";
    if (items.length) {
      var list = element("ul", { role: "list", "aria-label": words.label });
      for (var i = 0; i < items.length; i++) list.appendChild(entry(items[i], language, words));
      box.appendChild(list);
    } else {
      box.appendChild(element("p", null, words.none));
    }
    moreLink(box, host, language, words);
    box.removeAttribute("aria-busy");
  }

  function fail(box, host, language) {
    box.textContent = "";
    moreLink(box, host, language, WORDS[language]);
    box.removeAttribute("aria-busy");
  }

  function styleRoot(root) {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS); // constructed sheets also work under a strict host CSP
      root.adoptedStyleSheets = [sheet];
    } catch (error) {
      root.appendChild(element("style", null, CSS));
    }
  }

  function draw(host) {
    if (host.shadowRoot || host.hasAttribute("data-elvl-drawn")) return;
    host.setAttribute("data-elvl-drawn", "");
    var language = languageOf(host);
    var root = host.attachShadow({ mode: "open" });
    styleRoot(root);
    var box = element("div", { "class": "elvl", lang: language, "aria-busy": "true" });
    root.appendChild(box);
    fetch(apiUrl(host, language), {
      credentials: "omit",
      mode: "cors",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (response.ok) return response.json();
        // read a failed answer to its end (it is small), so that the request finishes and
        // the host page goes network-idle; then fall back to the quiet link
        return response.text().then(function () {
          throw new Error("HTTP " + response.status);
        });
      })
      .then(function (body) {
        show(box, host, body.items || [], language);
      })
      .catch(function () {
        fail(box, host, language);
      });
  }

  function drawAll() {
    var hosts = document.querySelectorAll("[data-elvl-events]");
    for (var i = 0; i < hosts.length; i++) {
      try {
        draw(hosts[i]);
      } catch (error) {
        /* one broken host (e.g. a shadow root already there) never stops the others */
      }
    }
  }

  drawAll();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawAll);
})();
