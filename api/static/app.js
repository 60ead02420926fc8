/* citeqa page: asks POST /api/ask and renders the cited answer.
 *
 * Every string from the API or the user goes into the page through
 * textContent / createTextNode (see el()), never as markup: the sources and
 * questions are untrusted text. Links are only made for http(s) URLs.
 *
 * The page's own words come from i18n.js (window.CITEQA_STRINGS) through t():
 * the visitor's choice in the language switch (kept in localStorage), else the
 * first of navigator.languages the table has, else English.
 */
(function () {
  "use strict";

  var DEFAULT_K = 5;
  var STRINGS = window.CITEQA_STRINGS || { en: {} };
  var LANG_KEY = "citeqa.lang";
  // The indexed sources are English: their text is marked lang="en" so a screen
  // reader voices it as English under a translated page.
  var SOURCE_LANG = "en";
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
  var langSwitch = document.getElementById("lang-switch");
  var langSelect = document.getElementById("lang-select");

  var documentsById = Object.create(null);
  var documentsReady = null; // Promise resolved once the source list is drawn
  var pendingDocIds = [];     // doc ids from the URL, ticked once the list loads
  var inFlight = null;        // AbortController of the current request
  var requestSeq = 0;
  var lang = "en";
  var sourcesState = "loading";  // "loading", "failed", or the array of documents
  var shownData = null;          // the response on screen, redrawn on a language switch
  var shownError = null;         // {key, vars} or {text} (a server's detail), likewise
  var askedTitle = null;         // the question in the tab title, if one is shown

  /* ---------- the page's language ---------- */

  function has(table, key) {
    return Object.prototype.hasOwnProperty.call(table, key);
  }

  function locale() {
    return t("locale");
  }

  function currentTable() {
    return has(STRINGS, lang) ? STRINGS[lang] : STRINGS.en;
  }

  /* The string `key` in the current language (English where a table lacks it),
   * with {name}s filled from vars. */
  function t(key, vars) {
    var table = currentTable();
    var text = has(table, key) ? table[key] : has(STRINGS.en, key) ? STRINGS.en[key] : key;
    if (!vars) return text;
    return text.replace(/\{(\w+)\}/g, function (whole, name) { return has(vars, name) ? String(vars[name]) : whole; });
  }

  function formatNumber(n) {
    try { return new Intl.NumberFormat(locale()).format(n); } catch (e) { return String(n); }
  }

  /* "{n} passages" in the plural form the language uses for n. */
  function counted(key, n) {
    var category = n === 1 ? "one" : "other";
    try { category = new Intl.PluralRules(locale()).select(n); } catch (e) { /* the English rule */ }
    return t(has(currentTable(), key + "." + category) ? key + "." + category : key + ".other", { n: formatNumber(n) });
  }

  var ISO_DATE = /^(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?$/;

  /* A date (YYYY-MM or YYYY-MM-DD) as the visitor's language writes it; a year
   * alone, or anything else, as it came. */
  function formatDate(value) {
    var m = ISO_DATE.exec(value || "");
    if (!m) return value;
    var date = new Date(Date.UTC(+m[1], +m[2] - 1, m[3] ? +m[3] : 1));
    var options = { year: "numeric", month: "long", timeZone: "UTC" };
    if (m[3]) options.day = "numeric";
    try { return new Intl.DateTimeFormat(locale(), options).format(date); } catch (e) { return value; }
  }

  function dateNode(value) {
    return ISO_DATE.test(value) ? el("time", { datetime: value, text: formatDate(value) }) : value;
  }

  function storedLanguage() {
    try { return window.localStorage.getItem(LANG_KEY); } catch (e) { return null; }  // storage may be off
  }

  function storeLanguage(code) {
    try { window.localStorage.setItem(LANG_KEY, code); } catch (e) { /* the choice lasts this visit */ }
  }

  /* A choice made with the switch, else the first browser language with a table. */
  function chooseLanguage() {
    var stored = storedLanguage();
    if (stored && has(STRINGS, stored)) return stored;
    var preferred = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
    for (var i = 0; i < preferred.length; i++) {
      var primary = String(preferred[i]).toLowerCase().split("-")[0];
      if (has(STRINGS, primary)) return primary;
    }
    return "en";
  }

  function drawLanguageSwitch() {
    clear(langSelect);
    Object.keys(STRINGS).forEach(function (code) {
      var option = el("option", { value: code, lang: STRINGS[code].locale || code, text: STRINGS[code].languageName || code });
      langSelect.appendChild(option);
    });
    langSelect.value = lang;
    langSwitch.hidden = false;
  }

  /* Puts the page in `code`: the static text marked data-i18n, then whatever is drawn. */
  function applyLanguage(code) {
    lang = has(STRINGS, code) ? code : "en";
    document.documentElement.lang = locale();
    langSelect.value = lang;
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (node) {
      node.textContent = t(node.getAttribute("data-i18n"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-placeholder]"), function (node) {
      node.setAttribute("placeholder", t(node.getAttribute("data-i18n-placeholder")));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-content]"), function (node) {
      node.setAttribute("content", t(node.getAttribute("data-i18n-content")));
    });
    if (askedTitle) document.title = askedTitle;
    drawSourceList();
    drawError();
    if (shownData) render(shownData);
    if (inFlight) statusLine.textContent = t("statusSearching");
  }

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
      label || t("sourceLink"),
      el("span", { className: "visually-hidden", text: " " + t("newTab") }),
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

  /* Publisher, date and place in the source, as nodes: the publisher is the
   * source's own (English) text, the date is written in the page's language. */
  function citationParts(item, where) {
    var parts = [];
    if (item.publisher) parts.push(el("span", { lang: SOURCE_LANG, text: item.publisher }));
    if (item.date) parts.push(dateNode(item.date));
    if (where) parts.push(where);
    return parts;
  }

  /* parts with `separator` between them, for el()'s children. */
  function joined(parts, separator) {
    var out = [];
    parts.forEach(function (part, i) {
      if (i) out.push(separator);
      out.push(part);
    });
    return out;
  }

  function citeLine(item, extra) {
    var line = el("p", { className: "cite" }, [
      el("cite", { lang: SOURCE_LANG, text: item.title || item.doc_id }),
    ]);
    var parts = citationParts(item);
    if (parts.length) line.appendChild(el("span", { className: "meta" }, [" — "].concat(joined(parts, ", "))));
    var link = sourceLink(item.url, t("sourceLink"));
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
        return el("a", { href: "#passage-" + (i + 1), className: "passage-ref" }, [t("passageRef", { n: formatNumber(i + 1) })]);
      }
    }
    return null;
  }

  /* The sentence with the answer span marked, as a <blockquote>. */
  function quotedAnswer(answer) {
    var quote = el("blockquote", { className: "quote", lang: SOURCE_LANG });
    var para = el("p");
    markedText(para, answer.sentence || "", answer.sentence_start, [
      { start: answer.start, end: answer.end, kind: "answer" },
    ]);
    quote.appendChild(para);
    var url = safeUrl(answer.url);
    if (url) quote.setAttribute("cite", url);
    return quote;
  }

  /* The question's language as the API detected it ("es", "pt"...), or null
   * where the response does not say or could not tell ("und"). */
  function questionLanguage(data) {
    return typeof data.lang === "string" && /^[a-z]{2,3}$/.test(data.lang) && data.lang !== "und" ? data.lang : null;
  }

  /* Whether to say the quotations are English: when the question was not asked
   * in English; where the API does not say, when the page itself is not in English. */
  function needsSourceNote(data) {
    return (questionLanguage(data) || lang) !== SOURCE_LANG;
  }

  function answerBlock(data) {
    var answer = data.answer;
    var box = el("article", { className: "answer", "aria-labelledby": "answer-heading" }, [
      el("h2", { id: "answer-heading", text: t("answerHeading") }),
      el("p", { className: "answer-text", lang: SOURCE_LANG }, [el("strong", { text: answer.text })]),
      quotedAnswer(answer),
      citeLine(answer, passageRef(answer.passage_id, data.passages || [])),
      needsSourceNote(data) ? el("p", { className: "source-note", text: t("sourceNote") }) : null,
    ]);
    if (data.alternatives && data.alternatives.length) box.appendChild(alternativesBlock(data));
    return box;
  }

  function alternativesBlock(data) {
    var list = el("ul", { className: "alternatives" });
    data.alternatives.forEach(function (alt) {
      list.appendChild(el("li", null, [
        el("p", { className: "answer-text", lang: SOURCE_LANG }, [el("strong", { text: alt.text })]),
        quotedAnswer(alt),
        citeLine(alt, passageRef(alt.passage_id, data.passages || [])),
      ]));
    });
    return el("section", { className: "disagree", "aria-labelledby": "disagree-heading" }, [
      el("h3", { id: "disagree-heading", text: t("sourcesDisagree") }),
      list,
    ]);
  }

  function passageItem(passage, index) {
    var where = passage.page !== null && passage.page !== undefined
      ? t("pageNumber", { page: formatNumber(passage.page) })
      : passage.section && el("span", { lang: SOURCE_LANG, text: passage.section });
    var parts = citationParts(passage, where);
    var link = sourceLink(passage.url, t("sourceLink"));
    if (link) parts.push(link);
    var meta = el("p", { className: "meta" }, joined(parts, " · "));
    var body = el("p", { className: "passage-text", lang: SOURCE_LANG });
    markedText(body, passage.text || "", passage.start, passage.highlights);
    var item = el("li", { id: "passage-" + (index + 1), className: "passage" }, [
      el("article", null, [
        el("h3", { className: "passage-title" }, [
          el("span", { className: "passage-number", "aria-hidden": "true", text: "[" + (index + 1) + "]" }),
          el("span", { className: "visually-hidden", text: t("passageLabel", { n: formatNumber(index + 1) }) + " " }),
          el("cite", { lang: SOURCE_LANG, text: passage.title || passage.doc_id }),
        ]),
        meta,
        body,
      ]),
    ]);
    if (passage.also_in && passage.also_in.length) {
      item.firstChild.appendChild(el("p", { className: "also-in" }, [
        t("alsoIn") + " ",
        el("span", { lang: SOURCE_LANG, text: passage.also_in.map(docTitle).join("; ") }),
      ]));
    }
    return item;
  }

  function passageList(passages, heading, id, note) {
    var list = el("ol", { className: "passages" });
    passages.forEach(function (p, i) { list.appendChild(passageItem(p, i)); });
    return el("section", { className: "passage-section", "aria-labelledby": id }, [
      el("h2", { id: id, text: heading }),
      note ? el("p", { className: "source-note", text: note }) : null,
      list,
    ]);
  }

  /* ---------- rendering a response ---------- */

  function render(data) {
    shownData = data;
    clear(resultsBody);
    // With no answer, any "answer" marks in the nearest passages are only
    // candidates the service rejected: styled down, not as answers.
    resultsBody.className = data.answerable && data.answer ? "answered" : "unanswered";
    var frag = document.createDocumentFragment();
    frag.appendChild(el("p", { className: "asked" }, [t("asked") + " ", el("q", { lang: questionLanguage(data), text: data.question })]));
    if (data.answerable && data.answer) {
      frag.appendChild(answerBlock(data));
      if (data.passages && data.passages.length) frag.appendChild(passageList(data.passages, t("citedPassages"), "passages-heading"));
    } else {
      frag.appendChild(el("div", { className: "no-answer" }, [
        el("h2", { id: "no-answer-heading", text: t("noAnswerHeading") }),
        el("p", { text: t("noAnswerBody") }),
      ]));
      var related = (data.related && data.related.length ? data.related : data.passages) || [];
      var note = needsSourceNote(data) ? t("passagesNote") : null;
      if (related.length) frag.appendChild(passageList(related, t("nearestPassages"), "related-heading", note));
      else frag.appendChild(el("p", { className: "hint", text: t("noPassageMatches") }));
    }
    resultsBody.appendChild(frag);
    var count = (data.answerable ? data.passages : data.related) || [];
    statusLine.textContent = [
      t(data.answerable ? "statusAnswered" : "statusNoAnswer"),
      counted("passages", count.length),
      typeof data.took_ms === "number" ? t("milliseconds", { n: formatNumber(Math.round(data.took_ms)) }) : null,
    ].filter(Boolean).join(" · ");
  }

  /* Clears the results (and what a language switch would redraw). */
  function clearResults() {
    shownData = null;
    clear(resultsBody);
    statusLine.textContent = "";
  }

  /* error: {key, vars} for the page's own messages, {text} for a server's detail
   * (which comes in English), or null to hide the alert. */
  function showError(error) {
    shownError = error || null;
    drawError();
  }

  function drawError() {
    clear(errorBox);
    if (!shownError) {
      errorBox.hidden = true;
      return;
    }
    errorBox.hidden = false;
    var message = shownError.key ? t(shownError.key, shownError.vars) : shownError.text;
    errorBox.appendChild(el("p", null, [el("strong", { text: t("errorLabel") + " " }), message]));
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
    if (f.doc_ids.length) parts.push(counted("filtersSources", f.doc_ids.length));
    if (f.date_from) parts.push(t("filtersSince", { date: formatDate(f.date_from) }));
    if (f.date_to) parts.push(t("filtersUntil", { date: formatDate(f.date_to) }));
    filterSummary.textContent = "(" + (parts.length ? parts.join(", ") : t("filtersNone")) + ")";
  }

  function kindLabel(kind) {
    return has(STRINGS.en, "kind." + kind) ? t("kind." + kind) : kind;
  }

  /* The source list in its state: loading, failed, or drawn (keeping the ticks). */
  function drawSourceList() {
    if (Array.isArray(sourcesState)) {
      if (sourceList.querySelector("input[type=checkbox]")) pendingDocIds = selectedDocIds();
      drawSources(sourcesState);
      return;
    }
    clear(sourceList);
    sourceList.appendChild(el("p", { className: "hint", text: t(sourcesState === "failed" ? "sourcesFailed" : "sourcesLoading") }));
    updateFilterSummary();
  }

  function drawSources(docs) {
    sourcesState = docs;
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
              doc.date ? el("span", { className: "nowrap" }, [dateNode(doc.date)]) : null,
            ]);
          }
          list.appendChild(el("li", null, [
            box,
            el("label", { "for": id }, [el("span", { className: "source-title", lang: SOURCE_LANG, text: doc.title || doc.doc_id }), meta]),
          ]));
        });
      sourceList.appendChild(el("p", { className: "source-kind", text: kindLabel(kind) }));
      sourceList.appendChild(list);
    });
    if (!docs.length) sourceList.appendChild(el("p", { className: "hint", text: t("sourcesNone") }));
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
        sourcesState = "failed";
        drawSourceList();
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

  /* The error to show for a failed response: the server's detail where it gave one. */
  function errorDetail(response) {
    var status = { key: "errorStatus", vars: { status: String(response.status) } };
    return response.json().then(
      function (body) { return body && typeof body.detail === "string" ? { text: body.detail } : status; },
      function () {
        status.vars.status = (response.status + " " + (response.statusText || "")).trim();
        return status;
      }
    );
  }

  function ask(question, options) {
    question = question.trim();
    if (!question) {
      showError({ key: "errorEmptyQuestion" });
      input.focus();
      return;
    }
    var filters = readFilters();
    if (filters.date_from && filters.date_to && filters.date_from > filters.date_to) {
      showError({ key: "errorDateOrder" });
      dateFrom.focus();
      return;
    }
    if (!options || options.history !== false) {
      var search = stateToSearch(question, filters);
      if (search !== window.location.search) window.history.pushState(null, "", search);
    }
    askedTitle = question + " — citeqa";
    document.title = askedTitle;
    if (inFlight) inFlight.abort();
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    inFlight = controller;
    var seq = ++requestSeq;
    showError(null);
    results.setAttribute("aria-busy", "true");
    askButton.disabled = true;
    statusLine.textContent = t("statusSearching");
    fetch("/api/ask", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ question: question, k: DEFAULT_K, filters: filters }),
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        if (!response.ok) return errorDetail(response).then(function (error) { throw new ApiError(error); });
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
        clearResults();
        showError(err instanceof ApiError ? err.error : { key: "errorNetwork" });
      })
      .then(function () {
        if (seq !== requestSeq) return;
        inFlight = null;
        results.setAttribute("aria-busy", "false");
        askButton.disabled = false;
      });
  }

  function ApiError(error) {
    this.name = "ApiError";
    this.error = error;  // as showError takes it
    this.message = error.text || error.key;
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
      inFlight = null;
      requestSeq++;
      clearResults();
      showError(null);
      askedTitle = null;
      document.title = t("pageTitle");
    }
  });

  langSelect.addEventListener("change", function () {
    storeLanguage(langSelect.value);
    applyLanguage(langSelect.value);
  });

  lang = chooseLanguage();
  drawLanguageSwitch();
  applyLanguage(lang);
  var initial = applySearch(window.location.search);
  loadDocuments();
  if (initial) ask(initial, { history: false });
})();
