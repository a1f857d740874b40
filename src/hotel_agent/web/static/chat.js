/* Guest web chat. POST /api/webchat/messages sends a message (and waits a little for the
 * reply); GET polls the transcript so staff replies and late bot replies show up too.
 * No framework and no build step: the file is served as is, so it can be read as is.
 * Guest, bot and staff text only ever reaches the page through textContent. */
(() => {
  "use strict";

  const API_URL = "/api/webchat/messages";
  const WAIT_SECONDS = 25; // the server holds the POST this long for the bot's replies
  const SEND_TIMEOUT_MS = (WAIT_SECONDS + 20) * 1000;
  const POLL_MS = 3000;
  const POLL_HIDDEN_MS = 15000; // a background tab does not need 3 s polling
  const POLL_MAX_MS = 30000;
  const LATE_REPLY_MS = 60000; // typing dots stay this long after a "still thinking" answer
  const MAX_CHARS = 4096;
  const COUNTER_FROM = 3800;
  const SESSION_KEY = "hotel-webchat-session";
  const SESSION_RE = /^[0-9a-f]{32}$/; // the server's SESSION_PATTERN
  const URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;

  // Spanish speaks "tú", like the bot's own replies.
  const STRINGS = {
    en: {
      title: "Chat",
      subtitle: "We usually answer right away",
      inputLabel: "Message",
      placeholder: "Write a message…",
      send: "Send",
      typing: "The hotel is typing…",
      empty: "Hello! Ask us anything about your stay: rooms, prices, bookings.",
      guest: "You",
      bot: "Hotel assistant",
      staff: "Hotel staff",
      options: "Options",
      sendFailed: "Could not send.",
      retry: "Retry",
      rateLimited: (s) => `Too many messages. Please wait ${s} s, then retry.`,
      waitBeforeSending: (s) => `Please wait ${s} s before sending again.`,
      tooLong: `This message is too long (at most ${MAX_CHARS} characters).`,
      rejected: "This message could not be sent.",
      offline: "Connection lost. Reconnecting…",
      privacy: "Privacy: how we use your data",
      privacyPolicy: "Privacy policy",
      close: "Close the chat",
      newMessages: (n) => (n === 1 ? "1 new message" : `${n} new messages`),
    },
    es: {
      title: "Chat",
      subtitle: "Solemos responder al momento",
      inputLabel: "Mensaje",
      placeholder: "Escribe un mensaje…",
      send: "Enviar",
      typing: "El hotel está escribiendo…",
      empty: "¡Hola! Pregúntanos lo que necesites sobre tu estancia: habitaciones, precios, reservas.",
      guest: "Tú",
      bot: "Asistente del hotel",
      staff: "Personal del hotel",
      options: "Opciones",
      sendFailed: "No se pudo enviar.",
      retry: "Reintentar",
      rateLimited: (s) => `Demasiados mensajes. Espera ${s} s y vuelve a intentarlo.`,
      waitBeforeSending: (s) => `Espera ${s} s antes de volver a enviar.`,
      tooLong: `El mensaje es demasiado largo (máximo ${MAX_CHARS} caracteres).`,
      rejected: "No se pudo enviar este mensaje.",
      offline: "Sin conexión. Reconectando…",
      privacy: "Privacidad: cómo usamos tus datos",
      privacyPolicy: "Política de privacidad",
      close: "Cerrar el chat",
      newMessages: (n) => (n === 1 ? "1 mensaje nuevo" : `${n} mensajes nuevos`),
    },
  };
  // The widget passes the hotel site's language (?lang=es); otherwise the browser's.
  const asked = new URLSearchParams(window.location.search).get("lang") || navigator.language;
  const lang = (asked || "en").toLowerCase().startsWith("es") ? "es" : "en";
  const t = STRINGS[lang];

  const $ = (id) => document.getElementById(id);
  const log = $("chat-log");
  const input = $("chat-input");
  const form = $("chat-composer");
  const sendButton = $("chat-send");
  const counter = $("chat-counter");
  const typing = $("chat-typing");
  const statusLine = $("chat-status");
  const empty = $("chat-empty");
  const newCue = $("chat-new");
  const embedded = document.body.dataset.embedded === "true" && window.parent !== window;

  const sessionId = loadSessionId();
  const seenIds = new Set(); // transcript ids already on screen, from POST replies or GET
  const unconfirmed = []; // guest bubbles drawn before their transcript row was seen
  let lastPolledId = 0; // only GET moves it: a POST reply id can overtake a staff message
  let pendingSends = 0;
  let lateReplyUntil = 0;
  let cooldownUntil = 0;
  let pollTimer = 0;
  let polling = false;
  let pollFailures = 0;
  let firstUnseen = null; // the oldest reply that arrived while the guest read further up
  let unseenCount = 0;
  let shownAnswer = null; // the answer whose start was last scrolled into view
  let timeFormat = null;
  try {
    timeFormat = new Intl.DateTimeFormat(lang, { hour: "numeric", minute: "2-digit" });
  } catch {
    // A browser without Intl just shows no times.
  }

  function randomId(bytes) {
    const values = new Uint8Array(bytes);
    crypto.getRandomValues(values);
    return Array.from(values, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function loadSessionId() {
    // localStorage can throw (storage disabled, some private modes): the chat still works,
    // it just forgets the conversation on reload.
    try {
      const stored = localStorage.getItem(SESSION_KEY);
      if (stored && SESSION_RE.test(stored)) return stored;
    } catch {}
    const fresh = randomId(16);
    try {
      localStorage.setItem(SESSION_KEY, fresh);
    } catch {}
    return fresh;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Turns http(s) URLs into links; everything else stays a text node.
  function appendRichText(parent, text) {
    let last = 0;
    for (const match of text.matchAll(URL_RE)) {
      const url = match[0].replace(/[.,;:!?)\]}]+$/, "");
      parent.append(text.slice(last, match.index));
      const link = el("a", "msg__link", url);
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.append(link);
      last = match.index + url.length;
    }
    parent.append(text.slice(last));
  }

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 120;
  }

  function scrollToEnd(force) {
    if (force || nearBottom()) log.scrollTop = log.scrollHeight;
  }

  // The end of the log in view, unless that hides the start of `item` (a long reply, a list
  // of rooms on a phone): then the reply starts at the top and the guest reads down.
  function showFrom(item) {
    log.scrollTop = log.scrollHeight;
    const above = item.getBoundingClientRect().top - log.getBoundingClientRect().top;
    if (above < 0) log.scrollTop += above - 8;
  }

  // The first bot or staff message after the guest's last one: where the answer starts.
  function answerStart(item) {
    let start = item;
    while (start.previousElementSibling && !start.previousElementSibling.matches(".msg--guest")) {
      start = start.previousElementSibling;
    }
    return start;
  }

  function showNewCue() {
    newCue.hidden = unseenCount === 0;
    newCue.textContent = unseenCount ? `${t.newMessages(unseenCount)} ↓` : "";
  }

  function clearUnseen() {
    firstUnseen = null;
    unseenCount = 0;
    showNewCue();
  }

  function normalise(text) {
    return String(text || "").replace(/\s+/g, " ").trim();
  }

  function focusInput() {
    // On phones, focusing pops the keyboard over the options the guest is reading.
    if (!window.matchMedia("(pointer: coarse)").matches) input.focus({ preventScroll: true });
  }

  function addBubble(author, text, createdAt) {
    const item = el("div", `msg msg--${author}`);
    const label = el("p", author === "staff" ? "msg__author" : "msg__author visually-hidden");
    label.textContent = t[author] || t.bot;
    const bubble = el("div", "msg__bubble");
    const body = el("p", "msg__text");
    appendRichText(body, String(text || ""));
    bubble.append(body);
    const when = createdAt ? new Date(createdAt) : new Date();
    if (timeFormat && !Number.isNaN(when.getTime())) {
      const time = el("time", "msg__time", timeFormat.format(when));
      time.dateTime = when.toISOString();
      bubble.append(time);
    }
    item.append(label, bubble);
    empty.hidden = true;
    log.append(item);
    return item;
  }

  function addChoices(item, message) {
    const buttons = Array.isArray(message.buttons) ? message.buttons : [];
    const rows = Array.isArray(message.list) ? message.list : [];
    if (buttons.length) {
      const group = el("div", "choices choices--buttons");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", t.options);
      for (const button of buttons) group.append(choiceButton(button, "choice"));
      item.append(group);
    }
    if (rows.length) {
      const group = el("div", "choices choices--list");
      const caption = el("p", "choices__caption", message.list_button || t.options);
      caption.id = `choices-${randomId(6)}`;
      const list = el("ul", "choices__rows");
      list.setAttribute("aria-labelledby", caption.id);
      for (const row of rows) {
        const entry = el("li");
        const button = choiceButton(row, "choice choice--row");
        if (row.description) button.append(el("span", "choice__description", row.description));
        entry.append(button);
        list.append(entry);
      }
      group.append(caption, list);
      item.append(group);
    }
  }

  function choiceButton(choice, className) {
    const button = el("button", className);
    button.type = "button";
    button.dataset.choiceId = String(choice.id);
    button.dataset.title = String(choice.title);
    button.append(el("span", "choice__title", String(choice.title)));
    button.addEventListener("click", () => {
      if (submit(String(choice.title), String(choice.id))) focusInput();
    });
    return button;
  }

  // Once the guest answers, older options no longer apply; the one picked stays highlighted.
  function retireChoices(choiceId, text) {
    const active = log.querySelectorAll(".choice:not(:disabled)");
    const wanted = normalise(text);
    for (const button of active) {
      const picked = choiceId
        ? button.dataset.choiceId === choiceId
        : normalise(button.dataset.title) === wanted;
      if (picked) button.classList.add("choice--picked");
      button.disabled = true;
    }
  }

  function render(message) {
    const id = Number(message.id);
    if (Number.isFinite(id) && seenIds.has(id)) return;
    if (Number.isFinite(id)) seenIds.add(id);
    const author = message.direction === "in" || message.author === "guest" ? "guest" : message.author;
    if (author === "guest") {
      // Our own message coming back from the transcript: adopt the bubble already drawn.
      const index = unconfirmed.findIndex((u) => u.text === normalise(message.text));
      if (index >= 0) {
        unconfirmed.splice(index, 1)[0].item.dataset.id = String(id);
        return;
      }
      retireChoices(null, message.text);
    } else {
      lateReplyUntil = 0;
    }
    const pinned = nearBottom(); // before the new bubble changes the answer
    const item = addBubble(author === "staff" || author === "guest" ? author : "bot", message.text, message.created_at);
    if (Number.isFinite(id)) item.dataset.id = String(id);
    if (author === "guest") {
      shownAnswer = null;
      scrollToEnd(false);
    } else {
      addChoices(item, message);
      const start = answerStart(item);
      // Still following this answer: its start was put in view for its first message.
      if (pinned || start === shownAnswer || log.scrollHeight <= log.clientHeight) {
        showFrom(start);
        shownAnswer = start;
      } else {
        // The guest is reading further up: leave them there and say something arrived.
        firstUnseen = firstUnseen || item;
        unseenCount += 1;
        showNewCue();
      }
    }
  }

  // The typing dots and the status line take room from the log: keep its end in view.
  // (Or the start of the answer being read, when the whole answer does not fit.)
  function keepingEndInView(change) {
    const pinned = nearBottom();
    const startInView =
      shownAnswer &&
      shownAnswer.isConnected &&
      shownAnswer.getBoundingClientRect().top >= log.getBoundingClientRect().top - 1;
    change();
    if (!pinned) return;
    if (startInView) showFrom(shownAnswer);
    else scrollToEnd(true);
  }

  function setStatus(text) {
    keepingEndInView(() => (statusLine.textContent = text || ""));
  }

  function updateTyping() {
    const hidden = !(pendingSends > 0 || lateReplyUntil > Date.now());
    if (typing.hidden !== hidden) keepingEndInView(() => (typing.hidden = hidden));
  }

  function cooldownSeconds() {
    return Math.max(0, Math.ceil((cooldownUntil - Date.now()) / 1000));
  }

  function retryAfterSeconds(response) {
    const raw = response.headers.get("Retry-After");
    let seconds = Number(raw);
    if (raw && !Number.isFinite(seconds)) seconds = (Date.parse(raw) - Date.now()) / 1000;
    if (!Number.isFinite(seconds) || seconds <= 0) seconds = 5;
    return Math.min(Math.ceil(seconds), 300);
  }

  function showFailure(outgoing, text, retryable, retryInSeconds) {
    clearFailure(outgoing);
    const row = el("div", "msg__error");
    row.append(el("span", "msg__error-text", text));
    if (retryable) {
      const retry = el("button", "msg__retry", t.retry);
      retry.type = "button";
      if (retryInSeconds) {
        retry.disabled = true;
        setTimeout(() => (retry.disabled = false), retryInSeconds * 1000);
      }
      retry.addEventListener("click", () => {
        if (cooldownSeconds() > 0) return;
        clearFailure(outgoing);
        deliver(outgoing);
        focusInput();
      });
      row.append(retry);
    }
    outgoing.item.classList.add("msg--failed");
    outgoing.item.append(row);
    scrollToEnd(true);
  }

  function clearFailure(outgoing) {
    outgoing.item.classList.remove("msg--failed");
    outgoing.item.querySelector(".msg__error")?.remove();
  }

  async function deliver(outgoing) {
    pendingSends += 1;
    updateTyping();
    let response;
    try {
      response = await fetch(`${API_URL}?wait=${WAIT_SECONDS}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(outgoing.payload),
        signal: AbortSignal.timeout ? AbortSignal.timeout(SEND_TIMEOUT_MS) : undefined,
      });
    } catch {
      // Network down or timed out: the retry reuses client_message_id, so the server can
      // drop the copy if the first attempt did arrive.
      response = null;
    }
    pendingSends -= 1;
    try {
      if (!response || response.status >= 500) {
        showFailure(outgoing, t.sendFailed, true);
      } else if (response.status === 429) {
        const seconds = retryAfterSeconds(response);
        cooldownUntil = Date.now() + seconds * 1000;
        showFailure(outgoing, t.rateLimited(seconds), true, seconds);
      } else if (response.status === 413) {
        showFailure(outgoing, t.tooLong, false);
      } else if (!response.ok) {
        showFailure(outgoing, t.rejected, false);
      } else {
        const body = await response.json().catch(() => ({}));
        for (const reply of Array.isArray(body.replies) ? body.replies : []) {
          render({ ...reply, direction: "out" });
        }
        if (body.pending) lateReplyUntil = Date.now() + LATE_REPLY_MS;
      }
    } finally {
      updateTyping();
    }
  }

  // Returns whether the message went out (so the caller may clear the text box).
  function submit(rawText, choiceId) {
    const text = rawText.trim();
    if (!text) return false;
    if (text.length > MAX_CHARS) {
      setStatus(t.tooLong);
      return false;
    }
    const wait = cooldownSeconds();
    if (wait > 0) {
      setStatus(t.waitBeforeSending(wait));
      return false;
    }
    setStatus("");
    retireChoices(choiceId, text);
    const payload = { session_id: sessionId, text, client_message_id: randomId(16) };
    if (choiceId) payload.choice_id = choiceId;
    const outgoing = { payload, item: addBubble("guest", text) };
    shownAnswer = null; // a new question: the next answer is followed from its start
    unconfirmed.push({ item: outgoing.item, text: normalise(text) });
    scrollToEnd(true);
    deliver(outgoing);
    return true;
  }

  async function poll() {
    if (polling) return;
    polling = true;
    clearTimeout(pollTimer);
    let retryAfterMs = 0;
    try {
      const query = `session_id=${encodeURIComponent(sessionId)}&after=${lastPolledId}`;
      const response = await fetch(`${API_URL}?${query}`, {
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      if (response.status === 429) {
        // Rate limited (guests behind one hotel Wi-Fi share an address): not offline, so
        // no alarm; just come back when the server says.
        retryAfterMs = retryAfterSeconds(response) * 1000;
      } else {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const body = await response.json();
        const reopened = seenIds.size === 0; // a reload: the conversation so far, end in view
        for (const message of Array.isArray(body.messages) ? body.messages : []) {
          render(message);
          lastPolledId = Math.max(lastPolledId, Number(message.id) || 0);
        }
        if (reopened && log.childElementCount) {
          scrollToEnd(true);
          clearUnseen();
        }
        if (pollFailures >= 2) setStatus("");
        pollFailures = 0;
      }
    } catch {
      pollFailures += 1;
      if (pollFailures >= 2) setStatus(t.offline);
    } finally {
      polling = false;
      empty.hidden = log.childElementCount > 0;
      updateTyping();
      const base = document.hidden ? POLL_HIDDEN_MS : POLL_MS;
      const backoff = Math.min(base * 2 ** Math.min(pollFailures, 4), POLL_MAX_MS);
      pollTimer = setTimeout(poll, Math.max(backoff, retryAfterMs));
    }
  }

  function resizeInput() {
    // scrollHeight leaves out the borders, which border-box sizing counts in the height.
    input.style.height = "auto";
    input.style.height = `${input.scrollHeight + input.offsetHeight - input.clientHeight}px`;
    const length = input.value.length;
    counter.textContent = length >= COUNTER_FROM ? `${length}/${MAX_CHARS}` : "";
  }

  function showPrivacyNotice() {
    const data = document.body.dataset;
    const text = ((lang === "es" ? data.privacyEs : data.privacyEn) || data.privacyEs || "").trim();
    if (!text) return;
    $("chat-privacy-summary").textContent = t.privacy;
    const body = $("chat-privacy-text");
    body.textContent = text;
    const url = (data.privacyUrl || "").trim();
    if (/^https?:\/\//i.test(url)) {
      const link = el("a", "", t.privacyPolicy);
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      body.append(" ", link);
    }
    $("chat-privacy").hidden = false;
  }

  // The hotel's colour, logo and greeting (data-* attributes written by the server).
  function applyLook() {
    const data = document.body.dataset;
    const colour = /^#[0-9a-f]{6}$/i;
    if (colour.test(data.accent || "")) {
      // Set through the CSSOM: the page's CSP allows no inline style.
      document.documentElement.style.setProperty("--accent", data.accent);
      const shades = {
        "--accent-text": data.accentText,
        "--accent-ink-light": data.accentInk,
        "--accent-ink-dark": data.accentInkDark,
        "--accent-soft-light": data.accentSoft,
        "--accent-soft-dark": data.accentSoftDark,
      };
      for (const [name, value] of Object.entries(shades)) {
        if (colour.test(value || "")) document.documentElement.style.setProperty(name, value);
      }
    }
    const logoUrl = (data.logoUrl || "").trim();
    if (/^(https:\/\/|\/)/.test(logoUrl)) {
      const logo = $("chat-logo");
      logo.src = logoUrl;
      logo.hidden = false;
      logo.addEventListener("error", () => (logo.hidden = true));
    }
    const greeting = ((lang === "es" ? data.greetingEs : data.greetingEn) || "").trim();
    if (greeting) empty.textContent = greeting;
  }

  function setUpEmbedded() {
    if (!embedded) return; // /embed opened on its own: nothing to close
    const close = $("chat-close");
    // Shown only while the widget fills the screen (a phone), where its launcher is hidden; on
    // a desktop the launcher beside the frame closes it, and one close button is enough.
    window.addEventListener("message", (event) => {
      if (event.source !== window.parent || !event.data) return;
      if (event.data.type === "hotel-chat:layout") close.hidden = !event.data.fullScreen;
    });
    close.setAttribute("aria-label", t.close);
    close.title = t.close;
    // The message carries nothing but the request; the widget checks it comes from its frame.
    const askToClose = () => window.parent.postMessage({ type: "hotel-chat:close" }, "*");
    close.addEventListener("click", askToClose);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") askToClose();
    });
  }

  function setUpPage() {
    document.documentElement.lang = lang;
    const hotelName = (document.body.dataset.hotelName || "").trim();
    // An untemplated placeholder is not a name.
    const named = hotelName && !hotelName.includes("{");
    $("chat-title").textContent = named ? hotelName : t.title;
    $("chat-subtitle").textContent = t.subtitle;
    document.title = named ? `${hotelName} · ${t.title}` : t.title;
    $("chat-input-label").textContent = t.inputLabel;
    $("chat-typing-label").textContent = t.typing;
    input.placeholder = t.placeholder;
    sendButton.setAttribute("aria-label", t.send);
    sendButton.title = t.send;
    empty.textContent = t.empty;
    applyLook();
    if (document.body.dataset.embedded === "true") setUpEmbedded();
    showPrivacyNotice();

    newCue.addEventListener("click", () => {
      if (firstUnseen) showFrom(firstUnseen);
      else scrollToEnd(true);
      clearUnseen();
    });
    log.addEventListener("scroll", () => {
      if (unseenCount && nearBottom()) clearUnseen();
    }, { passive: true });

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (submit(input.value, null)) {
        input.value = "";
        resizeInput();
      }
      input.focus();
    });
    input.addEventListener("keydown", (event) => {
      // isComposing: Enter that confirms an IME candidate (Japanese, Chinese…) must not send.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    input.addEventListener("input", resizeInput);
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) poll();
    });
    window.addEventListener("online", () => poll());
  }

  setUpPage();
  focusInput();
  poll();
})();
