// Offline search over window.portalSearchIndex (written beside the site at build time).
// Every word of the query must appear in a page; a title that is the query, then one that starts
// with it, then title matches rank first. Results are built
// with textContent only, so neither the query nor the index can inject markup.
(function () {
  "use strict";

  var SNIPPET_RADIUS = 80;
  var index = window.portalSearchIndex || [];
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var box = document.getElementById("site-search-query");
  if (!status || !list) {
    return;
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function countOf(haystack, needle) {
    var count = 0;
    var at = haystack.indexOf(needle);
    while (at !== -1) {
      count += 1;
      at = haystack.indexOf(needle, at + needle.length);
    }
    return count;
  }

  function score(entry, words, phrase) {
    var title = fold(entry.title);
    var text = fold(entry.text);
    var total = title === phrase ? 100000 : title.indexOf(phrase) === 0 ? 10000 : 0;
    for (var i = 0; i < words.length; i += 1) {
      var inTitle = countOf(title, words[i]);
      var inText = countOf(text, words[i]);
      if (inTitle + inText === 0) {
        return 0;
      }
      total += inTitle * 10 + inText;
    }
    return total;
  }

  function snippet(entry, words) {
    // Folding keeps lengths for the Latin text our pages hold, so positions map back to the original.
    var folded = fold(entry.text);
    var at = folded.indexOf(words[0]);
    if (at === -1 || folded.length !== entry.text.length) {
      return entry.text.slice(0, SNIPPET_RADIUS * 2);
    }
    var start = Math.max(0, at - SNIPPET_RADIUS);
    if (start > 0) {
      // Begin at a word, not inside one.
      start = Math.min(at, entry.text.indexOf(" ", start) + 1 || at);
    }
    var end = Math.min(entry.text.length, at + words[0].length + SNIPPET_RADIUS);
    return (start > 0 ? "… " : "") + entry.text.slice(start, end) + (end < entry.text.length ? " …" : "");
  }

  function show(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    var phrase = words.join(" ");
    list.textContent = "";
    if (words.length === 0) {
      list.hidden = true;
      status.textContent = "Type a word or two in the search box above to search every page of this site.";
      return;
    }
    var found = index
      .map(function (entry) { return { entry: entry, score: score(entry, words, phrase) }; })
      .filter(function (hit) { return hit.score > 0; })
      .sort(function (a, b) {
        return b.score - a.score || a.entry.title.localeCompare(b.entry.title);
      });
    found.forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = hit.entry.url;
      link.textContent = hit.entry.title;
      var excerpt = document.createElement("p");
      excerpt.textContent = snippet(hit.entry, words);
      item.appendChild(link);
      item.appendChild(excerpt);
      list.appendChild(item);
    });
    list.hidden = found.length === 0;
    var pages = found.length === 1 ? "1 page matches" : found.length + " pages match";
    status.textContent = (found.length === 0 ? "No page matches" : pages) + " \u201c" + query + "\u201d.";
  }

  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  if (box) {
    box.value = query;
  }
  show(query);
}());
