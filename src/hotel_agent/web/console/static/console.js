// The staff console's only script: refreshes the inbox list and the transcript by polling
// their server-rendered fragments, submits the channel filter when it changes, and inserts a
// canned reply into the reply box. The pages work without it (forms post and redirect back).
"use strict";

(function () {
  function atBottom(el) {
    return el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  }

  function poll(el) {
    const url = el.getAttribute("data-poll");
    const seconds = Number(el.getAttribute("data-poll-seconds")) || 5;
    let busy = false;
    async function refresh() {
      if (busy || document.hidden) return;
      busy = true;
      try {
        const answer = await fetch(url, {
          credentials: "same-origin",
          headers: { Accept: "text/html" },
          cache: "no-store",
        });
        if (answer.status === 401) {
          // The session ended: the reload lands on the login page.
          window.location.reload();
          return;
        }
        if (!answer.ok) return;
        const html = await answer.text();
        if (html !== el.dataset.last) {
          const stick = atBottom(el);
          // The fragment is our own server's template output, escaped there.
          el.innerHTML = html;
          el.dataset.last = html;
          if (stick) el.scrollTop = el.scrollHeight;
        }
      } catch (error) {
        // Offline for a moment: the next tick tries again.
      } finally {
        busy = false;
      }
    }
    el.dataset.last = el.innerHTML.trim();
    window.setInterval(refresh, seconds * 1000);
    document.addEventListener("visibilitychange", refresh);
  }

  function start() {
    document.querySelectorAll("[data-poll]").forEach(poll);
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.submit();
      });
    });
    document.querySelectorAll("select[data-insert-into]").forEach(function (select) {
      select.addEventListener("change", function () {
        const option = select.selectedOptions[0];
        const box = document.getElementById(select.getAttribute("data-insert-into"));
        if (!option || !option.value || !box) return;
        // As text at the cursor (replacing a selection): never parsed as HTML.
        box.setRangeText(option.getAttribute("data-text") || "", box.selectionStart, box.selectionEnd, "end");
        box.focus();
        select.value = "";
      });
    });
    const transcript = document.getElementById("transcript");
    if (transcript) transcript.scrollTop = transcript.scrollHeight;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
