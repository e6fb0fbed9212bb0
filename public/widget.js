/*! Parley website chat widget. Plain JavaScript, no framework, no requests to any host but Parley's. */
(function () {
  "use strict";
  var script =
    document.currentScript ||
    document.querySelector("script[data-parley-widget]") ||
    document.querySelector('script[src*="/widget.js"]');
  var settings = window.parleySettings || {};
  var id = (script && script.getAttribute("data-parley-widget")) || settings.integrationId;
  if (!script || !id || window.__parleyWidget) return;
  window.__parleyWidget = true;
  var base = new URL(script.src, location.href).origin;
  var api = base + "/chat/widget/" + encodeURIComponent(id);
  var userId = script.getAttribute("data-user-id") || settings.userId || null;
  var userHash = script.getAttribute("data-user-hash") || settings.userHash || null;
  var storeKey = "parley:" + id;

  // ── State kept across reloads and tabs ─────────────────────────────────────
  function load() {
    try {
      return JSON.parse(localStorage.getItem(storeKey) || "{}") || {};
    } catch (e) {
      return {};
    }
  }
  function save(patch) {
    var s = load();
    for (var k in patch) s[k] = patch[k];
    try {
      localStorage.setItem(storeKey, JSON.stringify(s));
    } catch (e) {
      /* private mode: the conversation lasts this page only */
    }
    return s;
  }

  var state = load();
  var config = {
    title: "Chat",
    greeting: "",
    accent_color: "#4f46e5",
    theme: "auto",
    position: "right",
    launcher_icon: "chat",
  };
  var token = null;
  var available = null; // null: not known yet
  var busy = false;
  var status = "bot";
  var seen = {};
  var pollTimer = null;

  // ── Markup inside a shadow root: the page's CSS cannot reach in, ours cannot leak out ──
  var host = document.createElement("div");
  host.setAttribute("data-parley-widget-host", "");
  host.style.cssText = "all:initial;position:fixed;z-index:2147483000;";
  var root = host.attachShadow({ mode: "open" });
  var ICONS = {
    chat: '<path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12Z"/>',
    help: '<circle cx="12" cy="12" r="9"/><path d="M9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6V14"/><path d="M12 17h.01"/>',
    sparkles:
      '<path d="M12 3l1.8 4.7L18.5 9.5l-4.7 1.8L12 16l-1.8-4.7L5.5 9.5l4.7-1.8Z"/><path d="M19 15l.8 2.2L22 18l-2.2.8L19 21l-.8-2.2L16 18l2.2-.8Z"/>',
    close: '<path d="M6 6l12 12M18 6 6 18"/>',
    send: '<path d="M4 12 20 4l-6 16-3-7Z"/>',
    up: '<path d="M7 10v12"/><path d="M15 5.9 14 10h5.8a2 2 0 0 1 1.9 2.6l-2.3 8A2 2 0 0 1 17.5 22H4a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2h2.8a2 2 0 0 0 1.8-1.1L12 2a3.1 3.1 0 0 1 3 3.9Z"/>',
    down: '<path d="M17 14V2"/><path d="M9 18.1 10 14H4.2a2 2 0 0 1-1.9-2.6l2.3-8A2 2 0 0 1 6.5 2H20a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2h-2.8a2 2 0 0 0-1.8 1.1L12 22a3.1 3.1 0 0 1-3-3.9Z"/>',
  };
  function icon(name, size) {
    size = size || 22;
    return (
      '<svg aria-hidden="true" viewBox="0 0 24 24" width="' +
      size +
      '" height="' +
      size +
      '" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">' +
      ICONS[name] +
      "</svg>"
    );
  }
  root.innerHTML =
    "<style>" +
    ":host{--accent:#4f46e5;--on-accent:#fff;--bg:#fff;--fg:#111827;--muted:#4b5563;--line:#d1d5db;--bot:#f3f4f6;--focus:#1d4ed8}" +
    ":host([data-theme=dark]){--bg:#111827;--fg:#f9fafb;--muted:#d1d5db;--line:#4b5563;--bot:#1f2937;--focus:#93c5fd}" +
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
    "button,textarea,input{font:inherit;color:inherit}" +
    ":focus-visible{outline:3px solid var(--focus);outline-offset:2px}" +
    ".launcher{position:fixed;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:var(--accent);color:var(--on-accent);cursor:pointer;display:grid;place-items:center;box-shadow:0 6px 20px rgba(0,0,0,.25)}" +
    ".right{right:20px}.left{left:20px}" +
    ".panel{position:fixed;bottom:88px;width:370px;max-width:calc(100vw - 40px);height:min(600px,calc(100vh - 110px));display:flex;flex-direction:column;background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:16px;box-shadow:0 12px 40px rgba(0,0,0,.3);overflow:hidden;font-size:15px;line-height:1.45}" +
    ".panel[hidden]{display:none}" +
    "header{display:flex;align-items:center;gap:8px;padding:12px 12px 12px 16px;background:var(--accent);color:var(--on-accent)}" +
    "h2{flex:1;margin:0;font-size:16px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}" +
    "header button{background:transparent;border:0;color:inherit;cursor:pointer;border-radius:8px;padding:6px;display:grid;place-items:center}" +
    "header button:hover{background:rgba(255,255,255,.18)}" +
    "header :focus-visible{outline-color:var(--on-accent)}" +
    ".new{font-size:13px;padding:6px 8px!important;text-decoration:underline}" +
    ".log{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:10px;margin:0;list-style:none}" +
    ".msg{max-width:85%;padding:9px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere}" +
    ".user{align-self:flex-end;background:var(--accent);color:var(--on-accent);border-bottom-right-radius:4px}" +
    ".assistant,.agent{align-self:flex-start;background:var(--bot);border-bottom-left-radius:4px}" +
    ".who{display:block;font-size:12px;font-weight:600;color:var(--muted);margin-bottom:2px}" +
    ".note{align-self:center;font-size:13px;color:var(--muted);text-align:center}" +
    ".src{display:block;font-size:12px;color:var(--muted);margin-top:4px}" +
    ".rate{display:flex;gap:4px;margin-top:6px}.rate button{border:1px solid var(--line);background:var(--bg);color:var(--muted);border-radius:8px;padding:3px 7px;cursor:pointer;display:grid;place-items:center}" +
    ".rate [aria-pressed=true]{background:var(--accent);border-color:var(--accent);color:var(--on-accent)}" +
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid var(--line)}" +
    "textarea,input{flex:1;resize:none;border:1px solid var(--line);border-radius:10px;padding:9px 10px;background:var(--bg);min-height:42px;max-height:120px}" +
    ".send{border:0;border-radius:10px;background:var(--accent);color:var(--on-accent);width:44px;cursor:pointer;display:grid;place-items:center}" +
    ".send:disabled{opacity:.55;cursor:default}" +
    ".contact{flex-direction:column;border-top:1px solid var(--line);padding:16px}.contact[hidden],.compose[hidden]{display:none}.contact p{margin:0}" +
    ".contact label{font-size:13px;font-weight:600;display:grid;gap:4px}" +
    ".contact button{border:0;border-radius:10px;background:var(--accent);color:var(--on-accent);padding:10px;cursor:pointer}" +
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
    "@media (max-width:480px){.panel{inset:0;width:100%;max-width:none;height:100%;border-radius:0;border:0;bottom:0}.panel:not([hidden])~.launcher{display:none}}" +
    "@media (prefers-reduced-motion:no-preference){.launcher{transition:transform .15s}.launcher:hover{transform:scale(1.06)}}" +
    "</style>" +
    '<div class="panel" role="dialog" aria-modal="true" aria-labelledby="pw-title" hidden>' +
    '<header><h2 id="pw-title"></h2>' +
    '<button type="button" class="new">Start a new conversation</button>' +
    '<button type="button" class="close" aria-label="Close chat">' +
    icon("close") +
    "</button></header>" +
    '<ol class="log" aria-label="Conversation"></ol>' +
    '<div class="sr" role="status" aria-live="polite"></div>' +
    '<form class="compose"><label class="sr" for="pw-input">Message</label>' +
    '<textarea id="pw-input" rows="1" maxlength="8000" placeholder="Write a message…"></textarea>' +
    '<button class="send" type="submit" aria-label="Send">' +
    icon("send") +
    "</button></form>" +
    '<form class="contact" hidden><p>Before we start, how can we reach you?</p>' +
    '<label>Name <input name="name" autocomplete="name" maxlength="100"></label>' +
    '<label>Email <input name="email" type="email" autocomplete="email" required maxlength="254"></label>' +
    '<button type="submit">Start chatting</button></form></div>' +
    '<button type="button" class="launcher" aria-haspopup="dialog" aria-expanded="false" aria-label="Open chat"></button>';

  var $ = function (sel) {
    return root.querySelector(sel);
  };
  var panel = $(".panel"),
    launcher = $(".launcher"),
    log = $(".log"),
    live = $("[role=status]"),
    form = $(".compose"),
    input = $("#pw-input"),
    sendButton = $(".send"),
    contactForm = $(".contact");

  function applyConfig() {
    host.style.setProperty("--accent", /^#[0-9a-f]{6}$/i.test(config.accent_color) ? config.accent_color : "#4f46e5");
    host.style.setProperty("--on-accent", onAccent(config.accent_color));
    var dark =
      config.theme === "dark" ||
      (config.theme === "auto" && window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches);
    host.setAttribute("data-theme", dark ? "dark" : "light");
    var side = config.position === "left" ? "left" : "right";
    launcher.className = "launcher " + side;
    panel.className = "panel " + side;
    launcher.innerHTML = icon(ICONS[config.launcher_icon] ? config.launcher_icon : "chat");
    $("#pw-title").textContent = config.title;
  }
  /** Black or white text on the accent colour, whichever has the higher contrast (WCAG relative luminance). */
  function onAccent(hex) {
    var m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex || "");
    if (!m) return "#fff";
    var l = [m[1], m[2], m[3]].map(function (h) {
      var c = parseInt(h, 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var lum = 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
    return (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) ? "#111827" : "#fff";
  }

  // ── Messages ───────────────────────────────────────────────────────────────
  var WHO = { assistant: config.title, agent: "Team member", user: "You" };
  function add(role, text, opts) {
    var li = document.createElement("li");
    li.className = role === "note" ? "note" : "msg " + role;
    if (role === "agent" || role === "assistant") {
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = role === "agent" ? "Team member" : config.title;
      li.appendChild(who);
    } else if (role === "user") {
      var you = document.createElement("span");
      you.className = "sr";
      you.textContent = WHO.user + ": ";
      li.appendChild(you);
    }
    var body = document.createElement("span");
    body.className = "text";
    body.textContent = text;
    li.appendChild(body);
    if (opts && opts.sources && opts.sources.length) addSources(li, opts.sources);
    if (opts && opts.id) addRating(li, opts.id);
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    if (!(opts && opts.quiet) && role !== "user") announce(role, text);
    return li;
  }
  function addSources(li, sources) {
    var s = document.createElement("span");
    s.className = "src";
    s.textContent = "Sources: " + sources.join(", ");
    li.appendChild(s);
  }
  /** Thumbs up and down under a bot reply; the visitor's choice is kept with the conversation. */
  function addRating(li, id) {
    var box = document.createElement("span");
    box.className = "rate";
    ["up", "down"].forEach(function (r) {
      var b = document.createElement("button");
      b.type = "button";
      b.setAttribute("aria-label", r === "up" ? "Helpful" : "Not helpful");
      b.setAttribute("aria-pressed", String((state.rated || {})[id] === r));
      b.setAttribute("data-rating", r);
      b.innerHTML = icon(r, 16);
      b.addEventListener("click", function () {
        rate(id, r, box);
      });
      box.appendChild(b);
    });
    li.appendChild(box);
  }
  function rate(id, r, box) {
    call("POST", "/messages/" + encodeURIComponent(id) + "/feedback", { rating: r }).then(function (res) {
      if (!res.ok) return;
      var rated = state.rated || {};
      rated[id] = r;
      state = save({ rated: rated });
      Array.prototype.forEach.call(box.children, function (b) {
        b.setAttribute("aria-pressed", String(b.getAttribute("data-rating") === r));
      });
      announce("note", "Thanks for your feedback.");
    }, function () {});
  }
  function announce(role, text) {
    live.textContent = (role === "agent" ? "Team member: " : role === "note" ? "" : config.title + ": ") + text;
  }
  function greet() {
    if (config.greeting) add("assistant", config.greeting, { quiet: true });
  }
  function setBusy(b) {
    busy = b;
    sendButton.disabled = b || available === false;
  }

  // ── Talking to Parley ──────────────────────────────────────────────────────
  function call(method, path, body) {
    return fetch(api + path, {
      method: method,
      mode: "cors",
      credentials: "omit",
      headers: token
        ? { "content-type": "application/json", authorization: "Bearer " + token }
        : { "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
  }
  function startSession() {
    return call("POST", "/session", { token: state.token || null, user_id: userId, user_hash: userHash })
      .then(function (res) {
        if (!res.ok) throw new Error(String(res.status));
        return res.json();
      })
      .then(function (s) {
        token = s.token;
        for (var k in s.config) config[k] = s.config[k];
        if (s.conversation_id && s.conversation_id !== state.conversationId) state.conversationId = s.conversation_id;
        state = save({ token: s.token, conversationId: state.conversationId || null });
        available = true;
        applyConfig();
        askContactIfNeeded();
        return restore();
      })
      .catch(function () {
        available = false;
        applyConfig();
        showUnavailable();
      });
  }
  /** "Ask for name and email first": the contact form stands in for the message box until it is filled in. */
  function askContactIfNeeded() {
    var ask = !!config.ask_contact && !state.contact;
    contactForm.hidden = !ask;
    form.hidden = ask;
  }
  function sendContact() {
    var c = state.contact;
    if (!c || !state.conversationId || c.sentFor === state.conversationId) return;
    call("POST", "/contact", { conversation_id: state.conversationId, name: c.name || null, email: c.email }).then(
      function (res) {
        if (res.ok) state = save({ contact: { name: c.name, email: c.email, sentFor: state.conversationId } });
      },
      function () {},
    );
  }
  function showUnavailable() {
    log.textContent = "";
    add("note", "Chat is unavailable right now. Please try again later.", { quiet: true });
    input.disabled = true;
    sendButton.disabled = true;
  }
  function restore() {
    log.textContent = "";
    seen = {};
    greet();
    if (!state.conversationId) return;
    return call("GET", "/conversations/" + encodeURIComponent(state.conversationId) + "/messages")
      .then(function (res) {
        if (res.status === 404) {
          state = save({ conversationId: null });
          return null;
        }
        return res.ok ? res.json() : null;
      })
      .then(function (t) {
        if (!t) return;
        t.messages.forEach(function (m) {
          seen[m.id] = true;
          // No thumbs on the bot's handoff notice (as when it arrived live): it is not an answer to rate.
          add(m.role, m.content, { quiet: true, sources: m.sources, id: m.role === "assistant" && !m.handoff && m.id });
        });
        follow(t.status, true);
      });
  }
  /** After a handoff: poll for the team's replies while someone may answer; say when a person joined. */
  function follow(newStatus, quiet) {
    if (newStatus === "human_active" && status !== "human_active" && !quiet)
      add("note", "A member of our team has joined the conversation.");
    status = newStatus;
    var waiting = status === "handoff_requested" || status === "human_active";
    if (waiting && !pollTimer) pollTimer = setInterval(poll, 4000);
    if (!waiting && pollTimer) {
      clearInterval(pollTimer);
      pollTimer = null;
    }
  }
  function poll() {
    if (!state.conversationId || busy || document.hidden) return;
    call("GET", "/conversations/" + encodeURIComponent(state.conversationId) + "/messages")
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (t) {
        if (!t || t.conversation_id !== state.conversationId) return;
        var joined = t.status === "human_active" && status !== "human_active";
        if (joined) follow(t.status);
        t.messages.forEach(function (m) {
          if (seen[m.id]) return;
          seen[m.id] = true;
          if (m.role === "agent") add("agent", m.content);
        });
        if (!joined) follow(t.status);
      })
      .catch(function () {});
  }

  function send(text) {
    setBusy(true);
    add("user", text);
    var bubble = null;
    var reply = "";
    return call("POST", "/messages", { message: text, conversation_id: state.conversationId || null, stream: true })
      .then(function (res) {
        if (res.status === 401) return startSession().then(function () { return retry(text); });
        if (!res.ok || !res.body) return res.json().then(fail, fail);
        var reader = res.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        function pump() {
          return reader.read().then(function (r) {
            if (r.done) return;
            buffer += decoder.decode(r.value, { stream: true });
            var events = buffer.split("\n\n");
            buffer = events.pop();
            events.forEach(handle);
            return pump();
          });
        }
        function handle(raw) {
          var name = (/^event: (.*)$/m.exec(raw) || [])[1];
          var data = (/^data: (.*)$/m.exec(raw) || [])[1];
          if (!name || !data) return;
          var d = JSON.parse(data);
          if (name === "start") {
            state = save({ conversationId: d.conversation_id });
          } else if (name === "delta") {
            reply += d.text;
            if (!bubble) bubble = add("assistant", "", { quiet: true });
            bubble.querySelector(".text").textContent = reply;
            log.scrollTop = log.scrollHeight;
          } else if (name === "end") {
            state = save({ conversationId: d.conversation_id });
            if (d.handoff && bubble && status !== "bot") {
              // A person owns the conversation: the reply is the team's messages, not the bot's.
              bubble.className = "msg agent";
              bubble.querySelector(".who").textContent = "Team member";
            }
            if (d.message_id) seen[d.message_id] = true;
            if (!bubble && d.reply) bubble = add(d.handoff ? "agent" : "assistant", d.reply, { quiet: true });
            if (bubble && d.sources && d.sources.length) addSources(bubble, d.sources);
            if (bubble && !d.handoff && d.message_id) addRating(bubble, d.message_id);
            if (d.reply) announce(d.handoff && reply === "" ? "agent" : "assistant", d.reply);
            sendContact();
            follow(d.handoff ? (status === "human_active" ? status : "handoff_requested") : "bot");
          } else if (name === "error") {
            fail(d);
          }
        }
        return pump();
      })
      .catch(fail)
      .then(function () {
        setBusy(false);
      });
  }
  function retry(text) {
    log.removeChild(log.lastChild);
    return send(text);
  }
  function fail(body) {
    var code = body && body.error && body.error.code;
    if (code === "widget_unavailable") return showUnavailable();
    add(
      "note",
      code === "rate_limited" || code === "quota_exceeded"
        ? "You're sending messages quickly. Please wait a moment and try again."
        : code === "message_too_long"
          ? "That message is too long. Please shorten it."
          : "Your message could not be sent. Please try again.",
    );
  }

  // ── Opening, closing, keyboard ─────────────────────────────────────────────
  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", "Close chat");
    if (available === null && !starting) starting = startSession();
    input.focus();
  }
  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", "Open chat");
    launcher.focus();
  }
  var starting = null;
  launcher.addEventListener("click", function () {
    panel.hidden ? open() : close();
  });
  $(".close").addEventListener("click", close);
  $(".new").addEventListener("click", function () {
    state = save({ conversationId: null, rated: {} });
    follow("bot");
    restore();
    input.focus();
  });
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") return close();
    if (e.key !== "Tab") return;
    var items = Array.prototype.filter.call(
      panel.querySelectorAll("button,textarea,input,[tabindex]"),
      function (el) {
        return !el.disabled && el.offsetParent !== null;
      },
    );
    var first = items[0],
      last = items[items.length - 1],
      active = root.activeElement;
    if (e.shiftKey && active === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first.focus();
    }
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });
  contactForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var email = contactForm.elements.email;
    if (!email.checkValidity()) return email.reportValidity();
    state = save({ contact: { name: contactForm.elements.name.value.trim(), email: email.value.trim() } });
    askContactIfNeeded();
    input.focus();
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text || busy || !available) return;
    input.value = "";
    send(text);
  });
  // Another tab started a new conversation or continued this one: follow it.
  window.addEventListener("storage", function (e) {
    if (e.key !== storeKey) return;
    var next = load();
    if (next.conversationId !== state.conversationId && !busy) {
      state = next;
      token = next.token || token;
      if (available) restore();
    } else state = next;
  });

  applyConfig();
  document.body.appendChild(host);
  // The settings and the stored conversation are fetched once the page has loaded, never before.
  function boot() {
    if (!starting) starting = startSession();
  }
  document.readyState === "complete" ? boot() : window.addEventListener("load", boot);
})();
