/* The check-in page on a phone (templates/registrations/checkin.html).
 *
 * Without this script the page works with plain forms. With it:
 * - a tap ("Present") is sent in the background; a tap that finds no network is kept in
 *   localStorage, shown as "not saved yet", and sent again when the phone is back online
 *   (the server marks someone present once: sending twice changes nothing);
 * - "Start the camera" reads confirmation QR codes with the browser's BarcodeDetector where
 *   it exists, else with the vendored jsQR (static/vendor/NOTICE), and sends each code read.
 * Messages come from the page (data-* attributes), in the page's language.
 */
(function () {
  "use strict";

  var door = document.getElementById("door");
  if (!door || !window.fetch) { return; }
  var text = door.dataset;
  var KEY = "checkin-unsaved:" + text.event;
  var RETRY_MS = 15000;
  var statusLine = document.getElementById("door-status");
  var unsavedList = document.getElementById("unsaved");
  var sending = false;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY)) || []; } catch (e) { return []; }
  }

  function store(items) {
    try { window.localStorage.setItem(KEY, JSON.stringify(items)); } catch (e) { /* full */ }
  }

  function sameItem(a, b) {
    return a.registration === b.registration && a.code === b.code;
  }

  function say(message) { statusLine.textContent = message || ""; }

  function rowOf(id) {
    return document.querySelector('.checkin-list li[data-registration="' + id + '"]');
  }

  function showPresent(id) {
    var row = rowOf(id);
    if (!row) { return; }
    var form = row.querySelector("form.tap");
    var mark = row.querySelector(".unsaved-mark");
    if (mark) { mark.remove(); }
    if (form) {
      var strong = document.createElement("strong");
      strong.className = "present";
      strong.textContent = text.present;
      form.replaceWith(strong);
    }
  }

  function showUnsaved(items) {
    unsavedList.textContent = "";
    document.querySelectorAll(".unsaved-mark").forEach(function (mark) { mark.remove(); });
    items.forEach(function (item) {
      var row = item.registration ? rowOf(item.registration) : null;
      var mark = document.createElement("span");
      mark.className = "unsaved-mark";
      mark.textContent = text.unsaved;
      if (row) {
        row.appendChild(mark);
      } else {
        var li = document.createElement("li");
        li.textContent = (item.code ? text.scanned : "#" + item.registration) + " — ";
        li.appendChild(mark);
        unsavedList.appendChild(li);
      }
    });
  }

  // One item to the server: "saved" (or answered for good), or "kept" (no network, or an
  // answer that is no answer: a sign-in page, a server error).
  function send(item) {
    var body = new URLSearchParams();
    if (item.code) { body.set("code", item.code); } else { body.set("registration", item.registration); }
    body.set("csrf_token", text.csrf);
    return fetch(text.tapUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Accept": "application/json", "X-CSRFToken": text.csrf }
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json || response.status >= 500) { return "kept"; }
      if (response.status === 400) {  // the form's token expired: kept until the page reloads
        say(text.refused);
        return "kept";
      }
      return response.json().then(function (answer) {
        if (response.ok) {
          showPresent(answer.id);
          document.getElementById("present-count").textContent = answer.present_text;
        }
        say(answer.message || text.refused);
        return "saved";
      });
    }, function () { return "kept"; });
  }

  function forget(item) {
    store(load().filter(function (other) { return !sameItem(other, item); }));
  }

  function keep(item) {
    var items = load();
    if (!items.some(function (other) { return sameItem(other, item); })) { items.push(item); }
    store(items);
    showUnsaved(items);
  }

  function submit(item) {
    keep(item);  // kept first: a page closed mid-request loses nothing
    return send(item).then(function (outcome) {
      if (outcome === "saved") { forget(item); }
      showUnsaved(load());
      return outcome;
    });
  }

  function retry() {
    if (sending) { return; }
    var items = load();
    if (!items.length) { return; }
    sending = true;
    items.reduce(function (chain, item) {
      return chain.then(function () {
        return send(item).then(function (outcome) { if (outcome === "saved") { forget(item); } });
      });
    }, Promise.resolve()).then(function () {
      sending = false;
      showUnsaved(load());
    });
  }

  document.querySelectorAll("form.tap").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit({ registration: form.dataset.registration });
    });
  });

  // --- the camera ---------------------------------------------------------------------------

  var video = document.getElementById("scan-video");
  var startButton = document.getElementById("scan-start");
  var stopButton = document.getElementById("scan-stop");
  var stream = null;
  var timer = null;
  var lastCode = null;
  var lastAt = 0;

  function decoder() {
    if ("BarcodeDetector" in window) {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return Promise.resolve(function (source) {
        return detector.detect(source).then(function (found) {
          return found.length ? found[0].rawValue : null;
        });
      });
    }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = text.decoder;
      script.onload = function () {
        var canvas = document.createElement("canvas");
        var context = canvas.getContext("2d", { willReadFrequently: true });
        resolve(function (source) {
          canvas.width = source.videoWidth;
          canvas.height = source.videoHeight;
          context.drawImage(source, 0, 0);
          var image = context.getImageData(0, 0, canvas.width, canvas.height);
          var found = window.jsQR(image.data, image.width, image.height);
          return Promise.resolve(found ? found.data : null);
        });
      };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function stop() {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
  }

  function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(text.noCamera);
      return;
    }
    Promise.all([
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }),
      decoder()
    ]).then(function (ready) {
      stream = ready[0];
      var read = ready[1];
      video.srcObject = stream;
      video.hidden = false;
      startButton.hidden = true;
      stopButton.hidden = false;
      return video.play().then(function () {
        var look = function () {
          if (!stream) { return; }
          var wait = video.readyState >= 2 ? read(video) : Promise.resolve(null);
          wait.then(function (code) {
            var now = Date.now();
            if (code && (code !== lastCode || now - lastAt > 5000)) {
              lastCode = code;
              lastAt = now;
              submit({ code: code });
            }
          }, function () { return null; }).then(function () {
            if (stream) { timer = window.setTimeout(look, 250); }
          });
        };
        look();
      });
    }).catch(function () {
      stop();
      say(text.noCamera);
    });
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);

  door.hidden = false;
  showUnsaved(load());
  window.addEventListener("online", retry);
  window.setInterval(retry, RETRY_MS);
  retry();
}());
