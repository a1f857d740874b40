// The staff console's only script: refreshes the inbox list and the transcript by polling
// their server-rendered fragments, submits the channel filter when it changes, and (once
// staff allowed it with the inbox's button) shows a browser notification when the polled
// inbox brings a conversation handed to staff or a guest writing again to staff. The pages
// work without it (forms post and redirect back).
"use strict";

(function () {
  function atBottom(el) {
    return el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  }

  function notificationsOn() {
    return "Notification" in window && Notification.permission === "granted";
  }

  // Each listed conversation: who answers it and its unread count (for this member).
  function notices(root) {
    const found = new Map();
    root.querySelectorAll("[data-notice]").forEach(function (item) {
      const [owner, unread] = item.getAttribute("data-notice").split(":");
      const link = item.querySelector("a");
      found.set(item.getAttribute("data-notice-id"), {
        owner: owner,
        unread: Number(unread) || 0,
        guest: item.getAttribute("data-guest") || "",
        href: link ? link.href : "",
      });
    });
    return found;
  }

  function notify(el, before, after) {
    if (!notificationsOn()) return;
    after.forEach(function (now, id) {
      if (now.owner !== "staff") return;
      const was = before.get(id);
      let words = null;
      if (!was || was.owner !== "staff") words = el.getAttribute("data-notify-handoff");
      else if (now.unread > was.unread) words = el.getAttribute("data-notify-wrote");
      if (!words) return;
      // One notification per conversation at a time: a newer one replaces it.
      const shown = new Notification(words.replace("{guest}", now.guest), {
        tag: "conversation-" + id,
      });
      shown.onclick = function () {
        window.focus();
        if (now.href) window.location.href = now.href;
      };
    });
  }

  function poll(el) {
    const url = el.getAttribute("data-poll");
    const seconds = Number(el.getAttribute("data-poll-seconds")) || 5;
    const notifying = el.hasAttribute("data-notify-handoff");
    let busy = false;
    async function refresh() {
      // A hidden tab stops polling, unless it is the inbox that notifies staff.
      if (busy || (document.hidden && !(notifying && notificationsOn()))) return;
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
          const before = notifying ? notices(el) : null;
          // The fragment is our own server's template output, escaped there.
          el.innerHTML = html;
          el.dataset.last = html;
          if (before) notify(el, before, notices(el));
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

  function offerNotifications(button) {
    if (!("Notification" in window) || Notification.permission !== "default") return;
    button.hidden = false;
    button.addEventListener("click", async function () {
      await Notification.requestPermission();
      // Answered (allowed or refused): nothing left to ask.
      button.hidden = Notification.permission !== "default";
    });
  }

  function start() {
    document.querySelectorAll("[data-poll]").forEach(poll);
    document.querySelectorAll("[data-ask-notifications]").forEach(offerNotifications);
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.submit();
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
