/* citeqa page: asks POST /api/ask and renders the cited answer.
 *
 * Every string from the API or the user goes into the page through
 * textContent / createTextNode (see el()), never as markup: the sources and
 * questions are untrusted text. Links are only made for http(s) URLs.
 */
(function () {
  "use strict";

  var DEFAULT_K = 5;
  var form = document.getElementById("ask-form");
  var input = document.getElementById("question");
  var askButton = document.getElementById("ask-button");
  var sourceList = document.getElementById("source-list");
  var dateFrom = document.getElementById("date-from");
  var dateTo = document.getElementById("date-to");
  var filterSummary = document.getElementById("filter-summary");
  var filtersBox = document.getElementById("filters");
  var errorBox = document.getElementById("error");
  var results = document.getElementById("results");
  var statusLine = document.getElementById("status");
  var resultsBody = document.getElementById("results-body");

  var documentsById = Object.create(null);
  var documentsReady = null; // Promise resolved once the source list is drawn
  var pendingDocIds = [];     // doc ids from the URL, ticked once the list loads
  var inFlight = null;        // AbortController of the current request
  var requestSeq = 0;

  /* ---------- small DOM helpers (text only) ---------- */

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        var value = attrs[name];
        if (value === null || value === undefined || value === false) return;
        if (name === "className") node.className = value;
        else if (name === "text") node.textContent = String(value);
        else node.setAttribute(name, value === true ? "" : String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === "") return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function safeUrl(url) {
    if (!url) return null;
    try {
      var parsed = new URL(url, window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function sourceLink(url, label) {
    var href = safeUrl(url);
    if (!href) return null;
    return el("a", { href: href, target: "_blank", rel: "noopener noreferrer", className: "source-link" }, [
      label || "Open source",
      el("span", { className: "visually-hidden", text: " (opens in a new tab)" }),
    ]);
  }

  /* Offsets from the API are Python string indexes: code points, not UTF-16
   * units. Strings without surrogates index the same either way. */
  function codePoints(text) {
    return /[\uD800-\uDFFF]/.test(text) ? Array.from(text) : text;
  }

  function slice(cps, start, end) {
    var part = cps.slice(start, end);
    return typeof part === "string" ? part : part.join("");
  }

  /* ---------- highlighted text ---------- */

  var KIND_RANK = { sentence: 0, answer: 1 };

  /* Builds `text` (which starts at document offset `offset`) with the
   * highlights (document offsets) as nested <mark>s. Highlights nest
   * (a sentence holds its answer); a partial overlap is clipped to its parent. */
  function markedText(container, text, offset, highlights) {
    var cps = codePoints(text);
    var length = cps.length;
    var spans = (highlights || [])
      .map(function (h) {
        return {
          start: Math.max(0, Math.min(length, h.start - offset)),
          end: Math.max(0, Math.min(length, h.end - offset)),
          kind: String(h.kind || "sentence"),
          children: [],
        };
      })
      .filter(function (s) { return s.start < s.end; })
      .sort(function (a, b) {
        return a.start - b.start || b.end - a.end || (KIND_RANK[a.kind] || 0) - (KIND_RANK[b.kind] || 0);
      });
    var root = { start: 0, end: length, kind: null, children: [] };
    var stack = [root];
    spans.forEach(function (span) {
      while (stack.length > 1 && span.start >= stack[stack.length - 1].end) stack.pop();
      var parent = stack[stack.length - 1];
      span.end = Math.min(span.end, parent.end);
      if (span.start >= span.end) return;
      parent.children.push(span);
      stack.push(span);
    });
    emit(container, cps, root);
    return container;
  }

  function emit(container, cps, node) {
    var cursor = node.start;
    node.children.forEach(function (child) {
      if (child.start > cursor) container.appendChild(document.createTextNode(slice(cps, cursor, child.start)));
      var kind = /^[a-z]+$/.test(child.kind) ? child.kind : "other";
      var mark = el("mark", { className: "hl hl-" + kind });
      if (kind === "answer") mark.setAttribute("data-kind", "answer");
      emit(mark, cps, child);
      container.appendChild(mark);
      cursor = child.end;
    });
    if (node.end > cursor) container.appendChild(document.createTextNode(slice(cps, cursor, node.end)));
  }

  /* ---------- citations ---------- */

  function docTitle(docId) {
    var doc = documentsById[docId];
    return (doc && doc.title) || docId;
  }

  function citationParts(item, where) {
    var parts = [];
    if (item.publisher) parts.push(item.publisher);
    if (item.date) parts.push(item.date);
    if (where) parts.push(where);
    return parts;
  }

  function citeLine(item, extra) {
    var line = el("p", { className: "cite" }, [
      el("cite", { text: item.title || item.doc_id }),
    ]);
    var parts = citationParts(item);
    if (parts.length) line.appendChild(el("span", { className: "meta", text: " — " + parts.join(", ") }));
    var link = sourceLink(item.url, "Source");
    if (link) {
      line.appendChild(document.createTextNode(" · "));
      line.appendChild(link);
    }
    if (extra) {
      line.appendChild(document.createTextNode(" · "));
      line.appendChild(extra);
    }
    return line;
  }

  function passageRef(passageId, passages) {
    for (var i = 0; i < passages.length; i++) {
      if (passages[i].passage_id === passageId) {
        return el("a", { href: "#passage-" + (i + 1), className: "passage-ref" }, ["passage [" + (i + 1) + "]"]);
      }
    }
    return null;
  }

  /* The sentence with the answer span marked, as a <blockquote>. */
  function quotedAnswer(answer) {
    var quote = el("blockquote", { className: "quote" });
    var para = el("p");
    markedText(para, answer.sentence || "", answer.sentence_start, [
      { start: answer.start, end: answer.end, kind: "answer" },
    ]);
    quote.appendChild(para);
    var url = safeUrl(answer.url);
    if (url) quote.setAttribute("cite", url);
    return quote;
  }

  function answerBlock(data) {
    var answer = data.answer;
    var box = el("article", { className: "answer", "aria-labelledby": "answer-heading" }, [
      el("h2", { id: "answer-heading", text: "Answer" }),
      el("p", { className: "answer-text" }, [el("strong", { text: answer.text })]),
      quotedAnswer(answer),
      citeLine(answer, passageRef(answer.passage_id, data.passages || [])),
    ]);
    if (data.alternatives && data.alternatives.length) box.appendChild(alternativesBlock(data));
    return box;
  }

  function alternativesBlock(data) {
    var list = el("ul", { className: "alternatives" });
    data.alternatives.forEach(function (alt) {
      list.appendChild(el("li", null, [
        el("p", { className: "answer-text" }, [el("strong", { text: alt.text })]),
        quotedAnswer(alt),
        citeLine(alt, passageRef(alt.passage_id, data.passages || [])),
      ]));
    });
    return el("section", { className: "disagree", "aria-labelledby": "disagree-heading" }, [
      el("h3", { id: "disagree-heading", text: "Sources disagree:" }),
      list,
    ]);
  }

  function passageItem(passage, index) {
    var where = passage.page !== null && passage.page !== undefined ? "p. " + passage.page : passage.section;
    var meta = el("p", { className: "meta" });
    var parts = citationParts(passage, where);
    meta.appendChild(document.createTextNode(parts.join(" · ")));
    var link = sourceLink(passage.url, "Source");
    if (link) {
      if (parts.length) meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(link);
    }
    var body = el("p", { className: "passage-text" });
    markedText(body, passage.text || "", passage.start, passage.highlights);
    var item = el("li", { id: "passage-" + (index + 1), className: "passage" }, [
      el("article", null, [
        el("h3", { className: "passage-title" }, [
          el("span", { className: "passage-number", "aria-hidden": "true", text: "[" + (index + 1) + "]" }),
          el("span", { className: "visually-hidden", text: "Passage " + (index + 1) + ": " }),
          el("cite", { text: passage.title || passage.doc_id }),
        ]),
        meta,
        body,
      ]),
    ]);
    if (passage.also_in && passage.also_in.length) {
      item.firstChild.appendChild(el("p", { className: "also-in", text: "Also in: " + passage.also_in.map(docTitle).join("; ") }));
    }
    return item;
  }

  function passageList(passages, heading, id) {
    var list = el("ol", { className: "passages" });
    passages.forEach(function (p, i) { list.appendChild(passageItem(p, i)); });
    return el("section", { className: "passage-section", "aria-labelledby": id }, [
      el("h2", { id: id, text: heading }),
      list,
    ]);
  }

  /* ---------- rendering a response ---------- */

  function render(data) {
    clear(resultsBody);
    // With no answer, any "answer" marks in the nearest passages are only
    // candidates the service rejected: styled down, not as answers.
    resultsBody.className = data.answerable && data.answer ? "answered" : "unanswered";
    var frag = document.createDocumentFragment();
    frag.appendChild(el("p", { className: "asked" }, ["Question: ", el("q", { text: data.question })]));
    if (data.answerable && data.answer) {
      frag.appendChild(answerBlock(data));
      if (data.passages && data.passages.length) frag.appendChild(passageList(data.passages, "Cited passages", "passages-heading"));
    } else {
      frag.appendChild(el("div", { className: "no-answer" }, [
        el("h2", { id: "no-answer-heading", text: "The sources don't answer this question." }),
        el("p", { text: "Nothing in the indexed sources states an answer. The passages nearest to the question are below; they may still be useful." }),
      ]));
      var related = (data.related && data.related.length ? data.related : data.passages) || [];
      if (related.length) frag.appendChild(passageList(related, "Nearest passages", "related-heading"));
      else frag.appendChild(el("p", { className: "hint", text: "No passage matches the current filters." }));
    }
    resultsBody.appendChild(frag);
    var count = (data.answerable ? data.passages : data.related) || [];
    statusLine.textContent = (data.answerable ? "Answered" : "No answer") + " · " + count.length +
      (count.length === 1 ? " passage" : " passages") +
      (typeof data.took_ms === "number" ? " · " + Math.round(data.took_ms) + " ms" : "");
  }

  function showError(message) {
    clear(errorBox);
    if (!message) {
      errorBox.hidden = true;
      return;
    }
    errorBox.hidden = false;
    errorBox.appendChild(el("p", null, [el("strong", { text: "Error: " }), message]));
  }

  /* ---------- filters ---------- */

  function selectedDocIds() {
    return Array.prototype.slice.call(sourceList.querySelectorAll("input[type=checkbox]:checked"))
      .map(function (box) { return box.value; });
  }

  function readFilters() {
    return {
      doc_ids: documentsReady && sourceList.querySelector("input[type=checkbox]") ? selectedDocIds() : pendingDocIds.slice(),
      publishers: [],
      kinds: [],
      date_from: dateFrom.value || "",
      date_to: dateTo.value || "",
    };
  }

  function updateFilterSummary() {
    var f = readFilters();
    var parts = [];
    if (f.doc_ids.length) parts.push(f.doc_ids.length + (f.doc_ids.length === 1 ? " source" : " sources"));
    if (f.date_from) parts.push("since " + f.date_from);
    if (f.date_to) parts.push("until " + f.date_to);
    filterSummary.textContent = parts.length ? "(" + parts.join(", ") + ")" : "(all sources, any date)";
  }

  var KIND_LABELS = { primary: "Primary sources", analysis: "Analysis" };

  function drawSources(docs) {
    clear(sourceList);
    var groups = Object.create(null);
    var order = [];
    docs.forEach(function (doc) {
      documentsById[doc.doc_id] = doc;
      var kind = doc.kind || "other";
      if (!groups[kind]) { groups[kind] = []; order.push(kind); }
      groups[kind].push(doc);
    });
    order.sort(function (a, b) { return (a === "primary" ? 0 : 1) - (b === "primary" ? 0 : 1) || a.localeCompare(b); });
    order.forEach(function (kind) {
      var list = el("ul", { className: "source-group" });
      groups[kind]
        .sort(function (a, b) { return String(a.date).localeCompare(String(b.date)) || docTitle(a.doc_id).localeCompare(docTitle(b.doc_id)); })
        .forEach(function (doc) {
          var id = "src-" + doc.doc_id.replace(/[^A-Za-z0-9_-]/g, "_");
          var box = el("input", { type: "checkbox", id: id, value: doc.doc_id, name: "doc" });
          box.checked = pendingDocIds.indexOf(doc.doc_id) !== -1;
          var meta = null;
          if (doc.publisher || doc.date) {
            meta = el("span", { className: "source-meta" }, [
              doc.publisher || "",
              doc.publisher && doc.date ? ", " : "",
              doc.date ? el("span", { className: "nowrap", text: doc.date }) : null,
            ]);
          }
          list.appendChild(el("li", null, [
            box,
            el("label", { "for": id }, [el("span", { className: "source-title", text: doc.title || doc.doc_id }), meta]),
          ]));
        });
      sourceList.appendChild(el("p", { className: "source-kind", text: KIND_LABELS[kind] || kind }));
      sourceList.appendChild(list);
    });
    if (!docs.length) sourceList.appendChild(el("p", { className: "hint", text: "No sources are indexed." }));
    updateFilterSummary();
  }

  function loadDocuments() {
    documentsReady = fetch("/api/documents", { headers: { accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (docs) { drawSources(Array.isArray(docs) ? docs : []); })
      .catch(function () {
        clear(sourceList);
        sourceList.appendChild(el("p", { className: "hint", text: "The list of sources could not be loaded; questions search all sources." }));
      });
    return documentsReady;
  }

  /* ---------- URL state ---------- */

  function stateToSearch(question, filters) {
    var params = new URLSearchParams();
    params.set("q", question);
    filters.doc_ids.forEach(function (id) { params.append("doc", id); });
    if (filters.date_from) params.set("since", filters.date_from);
    if (filters.date_to) params.set("until", filters.date_to);
    return "?" + params.toString();
  }

  function applySearch(search) {
    var params = new URLSearchParams(search);
    input.value = params.get("q") || "";
    pendingDocIds = params.getAll("doc");
    Array.prototype.forEach.call(sourceList.querySelectorAll("input[type=checkbox]"), function (box) {
      box.checked = pendingDocIds.indexOf(box.value) !== -1;
    });
    dateFrom.value = /^\d{4}-\d{2}-\d{2}$/.test(params.get("since") || "") ? params.get("since") : "";
    dateTo.value = /^\d{4}-\d{2}-\d{2}$/.test(params.get("until") || "") ? params.get("until") : "";
    if (pendingDocIds.length || dateFrom.value || dateTo.value) filtersBox.open = true;
    updateFilterSummary();
    return params.get("q") || "";
  }

  /* ---------- asking ---------- */

  function errorDetail(response) {
    return response.json().then(
      function (body) {
        return body && typeof body.detail === "string" ? body.detail : "The server answered " + response.status + ".";
      },
      function () { return "The server answered " + response.status + " " + (response.statusText || "") + "."; }
    );
  }

  function ask(question, options) {
    question = question.trim();
    if (!question) {
      showError("Type a question first.");
      input.focus();
      return;
    }
    var filters = readFilters();
    if (filters.date_from && filters.date_to && filters.date_from > filters.date_to) {
      showError("The “since” date is after the “until” date.");
      dateFrom.focus();
      return;
    }
    if (!options || options.history !== false) {
      var search = stateToSearch(question, filters);
      if (search !== window.location.search) window.history.pushState(null, "", search);
    }
    document.title = question + " — citeqa";
    if (inFlight) inFlight.abort();
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    inFlight = controller;
    var seq = ++requestSeq;
    showError("");
    results.setAttribute("aria-busy", "true");
    askButton.disabled = true;
    statusLine.textContent = "Searching the sources…";
    fetch("/api/ask", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ question: question, k: DEFAULT_K, filters: filters }),
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        if (!response.ok) return errorDetail(response).then(function (detail) { throw new ApiError(detail); });
        return response.json();
      })
      .then(function (data) {
        // Wait for the source list so "also in" can name documents by title.
        return (documentsReady || Promise.resolve()).then(function () { return data; });
      })
      .then(function (data) {
        if (seq !== requestSeq) return;
        render(data);
      })
      .catch(function (err) {
        if (seq !== requestSeq || (err && err.name === "AbortError")) return;
        clear(resultsBody);
        statusLine.textContent = "";
        showError(err instanceof ApiError ? err.message : "Could not reach the server. Check the connection and try again.");
      })
      .then(function () {
        if (seq !== requestSeq) return;
        inFlight = null;
        results.setAttribute("aria-busy", "false");
        askButton.disabled = false;
      });
  }

  function ApiError(message) {
    this.name = "ApiError";
    this.message = message;
  }
  ApiError.prototype = Object.create(Error.prototype);

  /* ---------- wiring ---------- */

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    ask(input.value);
  });

  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (button) {
    button.addEventListener("click", function () {
      input.value = button.textContent;
      ask(input.value);
    });
  });

  sourceList.addEventListener("change", updateFilterSummary);
  dateFrom.addEventListener("change", updateFilterSummary);
  dateTo.addEventListener("change", updateFilterSummary);
  document.getElementById("clear-filters").addEventListener("click", function () {
    pendingDocIds = [];
    Array.prototype.forEach.call(sourceList.querySelectorAll("input[type=checkbox]"), function (box) { box.checked = false; });
    dateFrom.value = "";
    dateTo.value = "";
    updateFilterSummary();
  });

  window.addEventListener("popstate", function () {
    var question = applySearch(window.location.search);
    if (question) ask(question, { history: false });
    else {
      if (inFlight) inFlight.abort();
      requestSeq++;
      clear(resultsBody);
      statusLine.textContent = "";
      showError("");
      document.title = "citeqa — the Los Angeles Declaration, quoted and cited";
    }
  });

  showError("");
  var initial = applySearch(window.location.search);
  loadDocuments();
  if (initial) ask(initial, { history: false });
})();
