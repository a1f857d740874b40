/* The hotel's chat on the hotel's own site, in one line:
 *   <script src="https://chat.example-hotel.com/widget.js" async></script>
 * adds a floating button that opens the chat (this server's /embed page) in an iframe.
 * Optional attributes on that tag: data-position="left" (default right), data-lang="es"|"en"
 * (default: the host page's lang, then the browser's).
 * Served by /widget.js with the hotel's colours and name written in place of CONFIG; nothing in
 * it is secret. Styles are set through element.style, never as inline markup, so a host page
 * with a strict Content-Security-Policy can still show the button. */
(() => {
  "use strict";

  const CONFIG = /*CONFIG*/ {};
  const script = document.currentScript;
  if (!script || window.hotelChatWidget) return; // pasted twice: one button
  const origin = new URL(script.src, window.location.href).origin;
  const data = script.dataset;
  const side = data.position === "left" ? "left" : "right";
  const wanted = (data.lang || document.documentElement.lang || navigator.language || "en");
  const lang = wanted.toLowerCase().startsWith("es") ? "es" : "en";
  const WORDS = {
    en: { open: "Chat with us", close: "Close the chat", frame: "Chat" },
    es: { open: "Escríbenos", close: "Cerrar el chat", frame: "Chat" },
  };
  const words = WORDS[lang];
  const hotel = String(CONFIG.hotelName || "").trim();
  const accent = CONFIG.accent || "#0b6e69";
  const accentText = CONFIG.accentText || "#ffffff";
  // A phone gets the chat full screen: a floating panel there would leave no room to read.
  const phone = window.matchMedia("(max-width: 600px)");
  const Z = "2147483000";
  const SVG = "http://www.w3.org/2000/svg";
  const ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z",
    close: "M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12 19 6.4 17.6 5 12 10.6z",
  };

  let frame = null;
  let open = false;
  let pageOverflow = "";
  let pageLocked = false;

  function style(node, properties) {
    for (const [name, value] of Object.entries(properties)) node.style.setProperty(name, value);
  }

  function icon(name) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "28");
    svg.setAttribute("height", "28");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  }

  const launcher = document.createElement("button");
  launcher.type = "button";
  launcher.id = "hotel-chat-launcher";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "hotel-chat-frame");
  style(launcher, {
    position: "fixed",
    bottom: "20px",
    [side]: "20px",
    width: "60px",
    height: "60px",
    margin: "0",
    padding: "0",
    border: "0",
    "border-radius": "50%",
    background: accent,
    color: accentText,
    "box-shadow": "0 4px 16px rgba(0,0,0,.25)",
    cursor: "pointer",
    display: "flex",
    "align-items": "center",
    "justify-content": "center",
    "z-index": Z,
  });

  function drawLauncher() {
    const label = open ? words.close : hotel ? `${words.open} · ${hotel}` : words.open;
    launcher.setAttribute("aria-label", label);
    launcher.title = label;
    launcher.replaceChildren(icon(open ? "close" : "chat"));
    launcher.setAttribute("aria-expanded", String(open));
  }

  function createFrame() {
    frame = document.createElement("iframe");
    frame.id = "hotel-chat-frame";
    frame.title = hotel ? `${words.frame} · ${hotel}` : words.frame;
    frame.src = `${origin}/embed?lang=${lang}`;
    frame.referrerPolicy = "no-referrer";
    style(frame, {
      position: "fixed",
      border: "0",
      background: "#eef1f4",
      "color-scheme": "normal",
      "z-index": Z,
    });
    frame.addEventListener("load", tellFrame);
    document.body.append(frame);
  }

  // The chat shows its own close button only when it fills the screen (the launcher is hidden).
  function tellFrame() {
    if (!frame || !frame.contentWindow) return;
    frame.contentWindow.postMessage({ type: "hotel-chat:layout", fullScreen: phone.matches }, origin);
  }

  function layout() {
    if (!frame) return;
    const full = phone.matches;
    style(frame, {
      display: open ? "block" : "none",
      top: full ? "0" : "auto",
      left: full ? "0" : side === "left" ? "20px" : "auto",
      right: full ? "0" : side === "right" ? "20px" : "auto",
      bottom: full ? "0" : "92px",
      width: full ? "100%" : "min(400px, calc(100vw - 40px))",
      height: full ? "100%" : "min(704px, calc(100vh - 112px))",
      "border-radius": full ? "0" : "16px",
      "box-shadow": full ? "none" : "0 8px 30px rgba(0,0,0,.25)",
    });
    // Full screen on a phone: the chat's own header has the close button, and the host page
    // must not scroll behind it.
    style(launcher, { display: open && full ? "none" : "flex" });
    tellFrame();
    const lock = open && full;
    if (lock !== pageLocked) {
      const root = document.documentElement.style;
      if (lock) pageOverflow = root.overflow;
      root.overflow = lock ? "hidden" : pageOverflow;
      pageLocked = lock;
    }
  }

  function setOpen(value) {
    open = value;
    if (open && !frame) createFrame();
    drawLauncher();
    layout();
    if (open) frame.focus();
    else launcher.focus();
  }

  launcher.addEventListener("click", () => setOpen(!open));
  // Only the chat in our own frame may close it.
  window.addEventListener("message", (event) => {
    if (!frame || event.origin !== origin || event.source !== frame.contentWindow) return;
    if (event.data && event.data.type === "hotel-chat:close" && open) setOpen(false);
  });
  phone.addEventListener("change", layout);

  function mount() {
    drawLauncher();
    document.body.append(launcher);
  }

  window.hotelChatWidget = { open: () => setOpen(true), close: () => setOpen(false) };
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
