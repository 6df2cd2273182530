// The search page: start Pagefind's UI and run the query from the header form (?q=...).
// Everything it loads comes from this site's pagefind/ folder; nothing else is requested.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("search");
  if (!element || typeof window.PagefindUI !== "function") {
    return;
  }
  // Pagefind's stylesheet is for the box made below: loaded here, not in <head>, so that it
  // never delays the page's own text. The box is made once it has loaded (or failed to).
  var styles = document.createElement("link");
  styles.rel = "stylesheet";
  styles.href = element.getAttribute("data-styles");
  styles.onload = styles.onerror = function () {
    start(element);
  };
  document.head.appendChild(styles);
});

function start(element) {
  // Threads in other languages live in their own Pagefind indexes (one per <html lang>, each
  // with its own stemming): merge them in, so one search finds threads in every language.
  var languages = (element.getAttribute("data-languages") || "").split(" ").filter(Boolean);
  var bundle = element.getAttribute("data-bundle");
  var ui = new window.PagefindUI({
    element: "#search",
    // One result per thread: its sub-results were only the page's own headings
    // ("Curator's note"), never a post.
    showSubResults: false,
    mergeIndex: languages.map(function (language) {
      return { bundlePath: bundle, language: language };
    }),
    showImages: false,
    resetStyles: false,
    autofocus: true,
    translations: { placeholder: "Search threads" }
  });
  // Give Pagefind's box the page's visible label (it has only a title otherwise).
  var input = element.querySelector(".pagefind-ui__search-input");
  var label = document.getElementById("search-label");
  if (input && label) {
    input.id = "search-input";
    label.htmlFor = input.id;
    label.hidden = false;
  }
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
}
