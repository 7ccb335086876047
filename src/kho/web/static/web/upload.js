/* Kho upload screen and batch page. Vanilla JS, no dependency.
 *
 * Upload page: every chosen or dropped file is sent in its own XMLHttpRequest as soon as it is picked,
 * so each is stored in the archive on arrival; per-file and overall progress come from xhr.upload.
 * "Start" queues digitization and opens the batch page, which polls the batch status JSON until the
 * batch is finished and keeps its table current.
 */
(function () {
  "use strict";

  var messagesNode = document.getElementById("kho-messages");
  var MSG = messagesNode ? JSON.parse(messagesNode.textContent) : {};

  function fmt(template, values) {
    return String(template || "")
      .replace(/%\((\w+)\)s/g, function (_m, key) { return values && key in values ? values[key] : ""; })
      .replace(/%%/g, "%");
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function sizeText(bytes) {
    if (bytes < 1024) { return bytes + " B"; }
    if (bytes < 1048576) { return (bytes / 1024).toFixed(1) + " KB"; }
    return (bytes / 1048576).toFixed(1) + " MB";
  }

  function cell(row, text, className) {
    var td = document.createElement("td");
    if (className) { td.className = className; }
    if (text !== undefined) { td.textContent = text; }
    row.appendChild(td);
    return td;
  }

  function badge(status, label) {
    var span = document.createElement("span");
    span.className = "badge badge-" + status;
    span.textContent = label;
    return span;
  }

  function request(method, url, body, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader("X-CSRFToken", csrfToken());
      xhr.setRequestHeader("Accept", "application/json");
      xhr.responseType = "json";
      if (onProgress && xhr.upload) {
        xhr.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) { onProgress(event.loaded, event.total); }
        });
      }
      xhr.addEventListener("load", function () {
        var data = xhr.response || {};
        if (xhr.status >= 200 && xhr.status < 300) { resolve(data); }
        else { reject(new Error((data.error && data.error.message) || MSG.error)); }
      });
      xhr.addEventListener("error", function () { reject(new Error(MSG.network)); });
      xhr.send(body || null);
    });
  }

  /* ---- batch status (upload page after start, and batch page) ---- */

  function renderFiles(tbody, files) {
    tbody.textContent = "";
    files.forEach(function (f) {
      var row = document.createElement("tr");
      row.dataset.order = f.order;
      cell(row, String(f.order), "num");
      cell(row, f.filename);
      cell(row, sizeText(f.size), "num");
      var status = cell(row);
      status.appendChild(badge(f.status, f.status_label));
      if (f.reason) {
        var reason = document.createElement("span");
        reason.className = "small";
        reason.textContent = " " + f.reason;
        status.appendChild(reason);
      }
      var links = cell(row);
      if (f.doc_code) {
        var doc = document.createElement("a");
        doc.href = f.document_url;
        doc.className = "code";
        doc.textContent = f.doc_code;
        var verify = document.createElement("a");
        verify.href = f.verify_url;
        verify.textContent = MSG.verify;
        links.appendChild(doc);
        links.appendChild(document.createTextNode(" · "));
        links.appendChild(verify);
      }
      tbody.appendChild(row);
    });
  }

  function pollStatus(url, onUpdate) {
    function tick() {
      request("GET", url).then(function (data) {
        onUpdate(data);
        if (!data.finished) { window.setTimeout(tick, 1500); }
      }, function () { window.setTimeout(tick, 4000); });
    }
    tick();
  }

  function batchPage(root) {
    var statusBadge = document.getElementById("batch-status");
    var progress = document.getElementById("batch-progress");
    var error = document.getElementById("batch-error");
    var tbody = document.querySelector("#batch-files tbody");
    pollStatus(root.dataset.statusUrl, function (data) {
      statusBadge.className = "badge badge-" + data.status;
      statusBadge.textContent = data.status_label;
      progress.textContent = data.total ? fmt(MSG.progress, data) : "";
      error.hidden = !data.error;
      error.textContent = data.error || "";
      renderFiles(tbody, data.files);
      root.dataset.finished = data.finished ? "1" : "0";
      if (data.finished && data.status === "failed") { window.location.reload(); }
    });
  }

  /* ---- upload page ---- */

  function uploadPage(form) {
    var input = document.getElementById("file-input");
    var zone = document.getElementById("dropzone");
    var oneDocument = document.getElementById("one-document");
    var area = document.getElementById("progress-area");
    var overall = document.getElementById("overall-progress");
    var overallText = document.getElementById("overall-text");
    var tbody = document.querySelector("#file-table tbody");
    var startButton = document.getElementById("start-button");
    var batchLink = document.getElementById("batch-link");
    var live = document.getElementById("upload-status");
    var state = { batch: null, queue: [], busy: false, sent: 0, total: 0, done: 0, count: 0, failed: 0 };

    function say(text) { live.textContent = text; }

    function updateOverall(current) {
      var percent = state.total ? Math.round(100 * (state.sent + (current || 0)) / state.total) : 0;
      overall.value = percent;
      overallText.textContent = fmt(MSG.files, { done: state.done, total: state.count, percent: percent });
    }

    function ensureBatch() {
      if (state.batch) { return Promise.resolve(state.batch); }
      return request("POST", form.dataset.createUrl).then(function (data) {
        state.batch = data;
        batchLink.href = data.urls.page;
        batchLink.hidden = false;
        return data;
      });
    }

    function addRow(file) {
      var row = document.createElement("tr");
      cell(row, file.name);
      cell(row, sizeText(file.size), "num");
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", file.name);
      cell(row).appendChild(bar);
      var status = cell(row, MSG.uploading);
      tbody.appendChild(row);
      return { bar: bar, status: status };
    }

    function sendOne(item) {
      var body = new FormData();
      body.append("file", item.file, item.file.name);
      if (oneDocument.checked) { body.append("one_document", "1"); }
      return request("POST", state.batch.urls.files, body, function (loaded, total) {
        item.row.bar.value = Math.round(100 * loaded / total);
        updateOverall(Math.min(loaded, item.file.size));
      }).then(function () {
        item.row.bar.value = 100;
        item.row.status.textContent = "";
        item.row.status.appendChild(badge("received", MSG.stored));
      }, function (err) {
        state.failed += 1;
        item.row.status.textContent = "";
        item.row.status.appendChild(badge("failed", err.message));
      }).then(function () {
        state.sent += item.file.size;
        state.done += 1;
        updateOverall(0);
      });
    }

    function pump() {
      if (state.busy) { return; }
      var item = state.queue.shift();
      if (!item) {
        var stored = state.done - state.failed;
        startButton.disabled = stored < 1;
        say(fmt(MSG.ready, { count: stored }));
        return;
      }
      state.busy = true;
      startButton.disabled = true;
      ensureBatch().then(function () { return sendOne(item); }).then(function () {
        state.busy = false;
        pump();
      }, function (err) {
        state.busy = false;
        item.row.status.textContent = err.message;
        say(err.message);
      });
    }

    function addFiles(files) {
      if (!files || !files.length) { return; }
      area.hidden = false;
      Array.prototype.forEach.call(files, function (file) {
        state.queue.push({ file: file, row: addRow(file) });
        state.total += file.size;
        state.count += 1;
      });
      updateOverall(0);
      pump();
    }

    input.addEventListener("change", function () {
      addFiles(input.files);
      input.value = "";
    });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      addFiles(event.dataTransfer && event.dataTransfer.files);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();  // with JavaScript, files are already sent one by one
    });
    startButton.addEventListener("click", function () {
      startButton.disabled = true;
      say(MSG.queued);
      request("POST", state.batch.urls.start).then(function () {
        window.location.assign(state.batch.urls.page);  // the batch page follows digitization live
      }, function (err) {
        startButton.disabled = false;
        say(err.message);
      });
    });
  }

  var uploadForm = document.getElementById("upload-form");
  if (uploadForm) { uploadPage(uploadForm); }
  var batchRoot = document.getElementById("batch");
  if (batchRoot && batchRoot.dataset.finished !== "1") { batchPage(batchRoot); }
})();
