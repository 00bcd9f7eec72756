/*!
 * IR careers assistant: website chat widget.
 *
 * Plain JavaScript, no framework, no build step, no third-party code. Embed with one tag:
 *
 *   <script src="https://BOT/widget.js" data-server="https://BOT"
 *           data-title="IR careers assistant" defer></script>
 *
 * Optional data attributes: data-server (default: the origin this script came from; ""
 * means the host page's own origin), data-title, data-greeting (sent to the bot on the
 * first open; default "/greet"; "" for none), data-primary-color, data-primary-text-color,
 * data-position ("right" or "left"), data-storage-key (default "ir-careers-chat"),
 * data-subtitle (a line under the title; default "Careers in interventional radiology"; ""
 * for none) and data-avatar (the header's logo: an image URL, absolute http(s) or relative
 * to the host page, e.g. "https://www.example.org/logo.png" or "/img/logo.png"; anything
 * else, such as javascript: or data: URLs, is ignored. Default, or if the image fails to
 * load: a built-in drawing). The avatar is decorative (alt=""): the title names the chat.
 *
 * Talks to the bot over plain HTTP: POST {server}/webhooks/web/webhook with
 * {"sender", "message"}; the answer is a JSON array of {"text"?, "buttons"?} messages.
 *
 * Safety: every string from the user or the server reaches the page only through
 * textContent / text nodes. The Markdown subset (bold, "- " lists, http(s) links) is applied
 * by building DOM elements around those text nodes; innerHTML is never used.
 *
 * Public API: window.IRCareersChat = { open(), close(), reset() }.
 */
(function () {
  'use strict';

  // Loaded twice on the same page? Keep the first instance.
  if (window.IRCareersChat) return;

  // Must be read synchronously: document.currentScript is null once this script has run.
  var currentScript = document.currentScript || findOwnScript();

  /* ---------------------------------------------------------------------------------------
   * Constants
   * ------------------------------------------------------------------------------------- */

  var STATE_VERSION = 1;
  var WEBHOOK_PATH = '/webhooks/web/webhook';
  var REQUEST_TIMEOUT_MS = 15000;
  var BETWEEN_MESSAGES_MS = 450; // pause between several replies (0 with reduced motion)
  var CSS_WAIT_MS = 3000; // show the widget anyway if its stylesheet is this slow
  var MAX_STORED_MESSAGES = 200; // older, already-sent messages are dropped beyond this
  var SAVE_DRAFT_DELAY_MS = 300;

  var DEFAULTS = {
    title: 'IR careers assistant',
    subtitle: 'Careers in interventional radiology',
    greeting: '/greet',
    position: 'right',
    storageKey: 'ir-careers-chat'
  };

  var TEXT = {
    open: 'Open chat',
    close: 'Close chat',
    menu: 'Conversation menu',
    newConversation: 'Start a new conversation',
    region: 'Chat widget',
    logLabel: 'Conversation',
    inputLabel: 'Type your question',
    inputPlaceholder: 'Type your question',
    inputHint: 'Press Enter to send, Shift+Enter for a new line.',
    send: 'Send',
    typing: 'Assistant is typing',
    suggestions: 'Suggested replies',
    newTab: '(opens in a new tab)',
    retry: 'Retry',
    offline: "Can't reach the assistant right now. Your message is kept \u2014 retry when " +
      "you're back online.",
    interrupted: "Your last message may not have been answered before the page changed. " +
      'Retry to send it again.',
    retrying: 'Trying to reach the assistant\u2026',
    rejected: "Sorry, the assistant couldn't process that message. Please rephrase it and " +
      'try again.',
    unreadable: "Sorry, the assistant's reply couldn't be read. Please try again.",
    // Short enough for one line in the 380 px panel and on a 360 px phone.
    disclaimer: "Based on SIR's public information. Not medical advice."
  };

  // Inline SVG icons (24x24, stroked with currentColor). Drawn for this widget.
  var ICONS = {
    chat: { width: 2, paths: ['M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z'] },
    close: { width: 2.2, paths: ['M6 6l12 12', 'M18 6L6 18'] },
    more: { width: 3.2, paths: ['M12 5.5v.01', 'M12 12v.01', 'M12 18.5v.01'] },
    send: { width: 2.2, paths: ['M12 19V5', 'M5.5 11.5L12 5l6.5 6.5'] }
  };

  var SVG_NS = 'http://www.w3.org/2000/svg';

  /* ---------------------------------------------------------------------------------------
   * Small helpers
   * ------------------------------------------------------------------------------------- */

  /** The <script> that loaded this file, when document.currentScript is unavailable. */
  function findOwnScript() {
    var scripts = document.getElementsByTagName('script');
    for (var i = scripts.length - 1; i >= 0; i--) {
      if (/\/widget\.js(?:[?#].*)?$/.test(scripts[i].src || '')) return scripts[i];
    }
    return null;
  }

  /**
   * Create an element. attrs: "class" sets className, "text" sets textContent (never
   * parsed as HTML), other keys become attributes (true -> empty attribute, false/null
   * -> omitted). children: nodes or strings (strings become text nodes).
   */
  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === 'class') node.className = value;
        else if (key === 'text') node.textContent = value;
        else node.setAttribute(key, value === true ? '' : String(value));
      });
    }
    if (children) {
      children.forEach(function (child) {
        if (child !== null && child !== undefined) node.append(child);
      });
    }
    return node;
  }

  /** A decorative inline SVG icon, hidden from assistive technology. */
  function icon(name) {
    var spec = ICONS[name];
    var svg = document.createElementNS(SVG_NS, 'svg');
    var attrs = {
      'class': 'irc-icon irc-icon-' + name,
      viewBox: '0 0 24 24',
      width: '24',
      height: '24',
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': String(spec.width),
      'stroke-linecap': 'round',
      'stroke-linejoin': 'round',
      'aria-hidden': 'true',
      focusable: 'false'
    };
    Object.keys(attrs).forEach(function (key) { svg.setAttribute(key, attrs[key]); });
    spec.paths.forEach(function (d) {
      var path = document.createElementNS(SVG_NS, 'path');
      path.setAttribute('d', d);
      svg.appendChild(path);
    });
    return svg;
  }

  /**
   * The built-in avatar: the site icon's speech bubble with "IR", on a round badge whose
   * colours come from the CSS (primary colour on the primary text colour).
   */
  function defaultAvatar() {
    var svg = document.createElementNS(SVG_NS, 'svg');
    [['class', 'irc-avatar-default'], ['viewBox', '0 0 32 32'], ['width', '32'],
      ['height', '32'], ['aria-hidden', 'true'], ['focusable', 'false']].forEach(function (a) {
      svg.setAttribute(a[0], a[1]);
    });
    var shapes = [
      ['path', { 'class': 'irc-avatar-bubble', fill: 'currentColor',
        d: 'M10 10h12a3 3 0 0 1 3 3v6a3 3 0 0 1-3 3h-7l-4.5 3.5V22H10a3 3 0 0 1-3-3v-6a3 3 0 0 1 3-3z' }],
      ['path', { 'class': 'irc-avatar-mark', fill: 'none', 'stroke-width': '1.6',
        'stroke-linecap': 'round', 'stroke-linejoin': 'round',
        d: 'M12 13.5v5M15 13.5v5M15 13.5h2.5a1.75 1.75 0 0 1 0 3.5H15M17.5 17l2 1.5' }]
    ];
    shapes.forEach(function (shape) {
      var node = document.createElementNS(SVG_NS, shape[0]);
      Object.keys(shape[1]).forEach(function (key) { node.setAttribute(key, shape[1][key]); });
      svg.appendChild(node);
    });
    return svg;
  }

  /** A random UUID (v4) for the conversation's sender id. */
  function newSenderId() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === 'function') {
      try { return c.randomUUID(); } catch (e) { /* insecure context: fall through */ }
    }
    var bytes = new Uint8Array(16);
    if (c && typeof c.getRandomValues === 'function') {
      c.getRandomValues(bytes);
    } else {
      for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b < 16 ? '0' : '') + b.toString(16);
    }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' +
      hex.slice(16, 20) + '-' + hex.slice(20);
  }

  var messageCounter = 0;

  /** A locally unique message id (only needs to be unique within one stored history). */
  function newMessageId() {
    messageCounter += 1;
    return 'm' + Date.now().toString(36) + '-' + messageCounter.toString(36) + '-' +
      Math.floor(Math.random() * 1e6).toString(36);
  }

  function prefersReducedMotion() {
    return !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  }

  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  /**
   * An image URL from a data attribute, or null. Only http(s) images are used: relative
   * paths resolve against the host page (so "/logo.png" is same-origin); javascript:, data:,
   * blob: and the like are refused, so the attribute can't smuggle in script or markup.
   */
  function imageUrl(value) {
    if (typeof value !== 'string' || !value.trim()) return null;
    var url;
    try { url = new URL(value.trim(), document.baseURI); } catch (e) { return null; }
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  }

  /** A CSS colour from a data attribute, or null when absent or invalid. */
  function cssColor(value) {
    if (typeof value !== 'string' || !value.trim()) return null;
    value = value.trim();
    if (window.CSS && typeof window.CSS.supports === 'function') {
      return window.CSS.supports('color', value) ? value : null;
    }
    return /^#[0-9a-f]{3,8}$/i.test(value) ? value : null;
  }

  /* ---------------------------------------------------------------------------------------
   * Configuration (data attributes of the <script> tag)
   * ------------------------------------------------------------------------------------- */

  function readConfig(script) {
    function data(name) {
      return script ? script.getAttribute('data-' + name) : null;
    }

    var scriptUrl = null;
    try {
      if (script && script.src) scriptUrl = new URL(script.src, document.baseURI);
    } catch (e) { scriptUrl = null; }

    // data-server: absent -> the script's origin; "" -> the host page's origin (relative URLs).
    var server = data('server');
    if (server === null) server = scriptUrl && scriptUrl.origin !== 'null' ? scriptUrl.origin : '';
    server = server.trim().replace(/\/+$/, '');

    var greeting = data('greeting');
    var subtitle = data('subtitle');
    var storageKey = (data('storage-key') || '').trim();

    return {
      endpoint: server + WEBHOOK_PATH,
      // The stylesheet sits next to the script (GET /widget.css on the bot server).
      stylesheet: scriptUrl ? new URL('widget.css', scriptUrl).href : server + '/widget.css',
      title: (data('title') || '').trim() || DEFAULTS.title,
      subtitle: subtitle === null ? DEFAULTS.subtitle : subtitle.trim(),
      avatar: imageUrl(data('avatar')),
      greeting: greeting === null ? DEFAULTS.greeting : greeting.trim(),
      primaryColor: cssColor(data('primary-color')),
      primaryTextColor: cssColor(data('primary-text-color')),
      position: (data('position') || '').trim().toLowerCase() === 'left' ? 'left' : DEFAULTS.position,
      storageKey: storageKey || DEFAULTS.storageKey
    };
  }

  /* ---------------------------------------------------------------------------------------
   * Persistence: one JSON document in localStorage (in memory if storage is unavailable)
   *
   * State shape:
   *   { v, sender, open, greeted, draft,
   *     messages: [{ id, role: "user"|"bot"|"note", text, payload?, status?, hidden?,
   *                  buttons?: [{title, payload}], chosen?, replyTo? }] }
   * User message status: "queued" (waiting), "sending", "sent", "unsent" (failed, kept for
   * retry) or "rejected" (the server refused it). A hidden user message is the greeting
   * payload: sent to the bot, never shown. A bot message's `chosen` is the index of the
   * quick reply the user clicked (drawn as picked once the buttons are disabled).
   * ------------------------------------------------------------------------------------- */

  function createStore(key) {
    var storage = null;
    var memory = null;
    try {
      storage = window.localStorage;
      var probe = key + ':probe';
      storage.setItem(probe, '1');
      storage.removeItem(probe);
    } catch (e) {
      storage = null; // private mode, disabled cookies, sandboxed frame...
    }

    return {
      load: function () {
        var raw = memory;
        if (storage) {
          try { raw = storage.getItem(key); } catch (e) { raw = memory; }
        }
        if (!raw) return null;
        try { return JSON.parse(raw); } catch (e) { return null; }
      },
      /** Save; on a quota error, drop old sent messages and try once more. */
      save: function (state) {
        var raw = JSON.stringify(state);
        memory = raw;
        if (!storage) return;
        try {
          storage.setItem(key, raw);
        } catch (e) {
          try {
            var slim = Object.assign({}, state, { messages: trimHistory(state.messages, 40) });
            memory = JSON.stringify(slim);
            storage.setItem(key, memory);
          } catch (e2) { /* keep the in-memory copy */ }
        }
      }
    };
  }

  function freshState() {
    return { v: STATE_VERSION, sender: newSenderId(), open: false, greeted: false, draft: '',
      messages: [] };
  }

  /** Keep at most `limit` messages, dropping the oldest ones that are already settled. */
  function trimHistory(messages, limit) {
    var excess = messages.length - limit;
    if (excess <= 0) return messages;
    return messages.filter(function (msg) {
      if (excess > 0 && !isOutstanding(msg)) {
        excess -= 1;
        return false;
      }
      return true;
    });
  }

  /** A user message that still has to reach the server. */
  function isOutstanding(msg) {
    return msg.role === 'user' &&
      (msg.status === 'queued' || msg.status === 'sending' || msg.status === 'unsent');
  }

  function normalizeButtons(list) {
    if (!Array.isArray(list)) return [];
    return list.filter(function (b) {
      return b && typeof b === 'object' && typeof b.title === 'string' && b.title.trim();
    }).map(function (b) {
      return { title: b.title, payload: typeof b.payload === 'string' && b.payload ? b.payload : b.title };
    });
  }

  function normalizeMessage(raw) {
    if (!raw || typeof raw !== 'object') return null;
    if (raw.role !== 'user' && raw.role !== 'bot' && raw.role !== 'note') return null;
    var msg = {
      id: typeof raw.id === 'string' && raw.id ? raw.id : newMessageId(),
      role: raw.role,
      text: typeof raw.text === 'string' ? raw.text : ''
    };
    if (typeof raw.replyTo === 'string') msg.replyTo = raw.replyTo;
    if (raw.role === 'user') {
      if (typeof raw.payload === 'string') msg.payload = raw.payload;
      msg.hidden = raw.hidden === true;
      msg.status = ['queued', 'sending', 'sent', 'unsent', 'rejected'].indexOf(raw.status) >= 0
        ? raw.status : 'sent';
      if (!msg.hidden && !msg.text) return null;
      if (msg.hidden && !msg.payload) return null;
    } else if (raw.role === 'bot') {
      msg.buttons = normalizeButtons(raw.buttons);
      if (!msg.text && !msg.buttons.length) return null;
      if (typeof raw.chosen === 'number' && raw.chosen >= 0 && raw.chosen < msg.buttons.length) {
        msg.chosen = raw.chosen;
      }
    } else if (!msg.text) {
      return null;
    }
    return msg;
  }

  /**
   * Validate a stored state. Returns { state, interrupted }: requests that were in flight
   * when the previous page went away are marked "unsent" (the user decides whether to
   * retry) — except a hidden greeting, which is assumed delivered so it is never sent twice.
   */
  function restoreState(raw) {
    var state = freshState();
    if (!raw || typeof raw !== 'object' || raw.v !== STATE_VERSION ||
        typeof raw.sender !== 'string' || !raw.sender || raw.sender.length > 128) {
      return { state: state, interrupted: false };
    }
    state.sender = raw.sender;
    state.open = raw.open === true;
    state.greeted = raw.greeted === true;
    state.draft = typeof raw.draft === 'string' ? raw.draft : '';
    state.messages = Array.isArray(raw.messages)
      ? raw.messages.map(normalizeMessage).filter(Boolean) : [];

    var interrupted = false;
    state.messages.forEach(function (msg) {
      if (msg.role !== 'user' || (msg.status !== 'sending' && msg.status !== 'queued')) return;
      if (msg.hidden) {
        msg.status = 'sent';
      } else {
        msg.status = 'unsent';
        interrupted = true;
      }
    });
    return { state: state, interrupted: interrupted };
  }

  /* ---------------------------------------------------------------------------------------
   * Bot text formatting: a strict Markdown subset, built as DOM nodes
   *
   *   **bold**, lines starting with "- " (a <ul>), [title](https://url), bare https:// URLs.
   * All text goes in through text nodes (the browser escapes it); only http(s) URLs become
   * links, with rel="noopener noreferrer" and target="_blank".
   * ------------------------------------------------------------------------------------- */

  var LIST_ITEM = /^\s*-\s+(.*)$/;
  var TRAILING_PUNCTUATION = '.,;:!?\'"*';

  /** Render a bot text as a fragment of <p> and <ul> blocks. */
  function formatBotText(text) {
    var fragment = document.createDocumentFragment();
    var list = null;
    var paragraph = null;

    String(text).replace(/\r\n?/g, '\n').split('\n').forEach(function (line) {
      var item = LIST_ITEM.exec(line);
      if (item) {
        paragraph = null;
        if (!list) {
          list = h('ul', { 'class': 'irc-list' });
          fragment.appendChild(list);
        }
        var li = h('li');
        appendInline(li, item[1].trim(), true);
        list.appendChild(li);
        return;
      }
      list = null;
      if (!line.trim()) { // a blank line ends the paragraph
        paragraph = null;
        return;
      }
      if (paragraph) {
        paragraph.appendChild(h('br'));
      } else {
        paragraph = h('p', { 'class': 'irc-p' });
        fragment.appendChild(paragraph);
      }
      appendInline(paragraph, line.trim(), true);
    });
    return fragment;
  }

  /** Append text with inline formatting (bold, links, bare URLs) to parent. */
  function appendInline(parent, text, allowBold) {
    // One alternation per construct: 1 = bold, 2+3 = [title](url), 4 = bare URL.
    var pattern = /\*\*([^*\n]+?)\*\*|\[([^\]\n]+)\]\(\s*(https?:\/\/(?:[^\s()<>]|\([^\s()<>]*\))+)\s*\)|(https?:\/\/[^\s<>"]+)/gi;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      last = pattern.lastIndex;

      if (match[1] !== undefined) {
        if (allowBold) {
          var strong = h('strong');
          appendInline(strong, match[1], false); // links inside bold; no nested bold
          parent.appendChild(strong);
        } else {
          parent.appendChild(document.createTextNode(match[0]));
        }
      } else if (match[2] !== undefined) {
        parent.appendChild(makeLink(match[3], match[2]) || document.createTextNode(match[0]));
      } else {
        var parts = splitTrailing(match[4]);
        parent.appendChild(makeLink(parts[0], parts[0]) || document.createTextNode(parts[0]));
        if (parts[1]) parent.appendChild(document.createTextNode(parts[1]));
      }
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /** Split a bare URL from punctuation that ends the sentence ("see https://x.org)."). */
  function splitTrailing(url) {
    var end = url.length;
    while (end > 0) {
      var ch = url.charAt(end - 1);
      var head = url.slice(0, end);
      if (TRAILING_PUNCTUATION.indexOf(ch) >= 0 ||
          (ch === ')' && count(head, '(') < count(head, ')')) ||
          (ch === ']' && count(head, '[') < count(head, ']'))) {
        end -= 1;
      } else {
        break;
      }
    }
    return [url.slice(0, end), url.slice(end)];
  }

  function count(text, ch) {
    return text.split(ch).length - 1;
  }

  /** An <a> for an http(s) URL, or null for anything else (javascript:, data:, ...). */
  function makeLink(href, label) {
    var url;
    try { url = new URL(href); } catch (e) { return null; }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return h('a', {
      'class': 'irc-link',
      href: url.href,
      target: '_blank',
      rel: 'noopener noreferrer',
      'aria-describedby': 'irc-newtab-hint',
      text: label
    });
  }

  /* ---------------------------------------------------------------------------------------
   * Server replies
   * ------------------------------------------------------------------------------------- */

  /** The bot messages of a webhook answer, keeping only text and buttons. */
  function normalizeReplies(data) {
    if (!Array.isArray(data)) return [];
    return data.map(function (item) {
      if (!item || typeof item !== 'object') return null;
      var text = typeof item.text === 'string' ? item.text : '';
      var buttons = normalizeButtons(item.buttons);
      if (!text.trim() && !buttons.length) return null;
      return { text: text, buttons: buttons };
    }).filter(Boolean);
  }

  /**
   * POST one message. Resolves (never rejects) to
   *   { ok: true, replies } | { ok: false, retriable, reason }.
   * Network errors, the 15 s timeout, 5xx, 408, 425 and 429 are retriable.
   */
  function postMessage(endpoint, sender, message, controller) {
    var timer = setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    return fetch(endpoint, {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      cache: 'no-store',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ sender: sender, message: message }),
      signal: controller.signal
    }).then(function (response) {
      if (response.ok) {
        return response.json().then(function (data) {
          return { ok: true, replies: normalizeReplies(data) };
        }, function () {
          return { ok: false, retriable: false, reason: 'unreadable' };
        });
      }
      var status = response.status;
      var retriable = status >= 500 || status === 408 || status === 425 || status === 429;
      return { ok: false, retriable: retriable, reason: retriable ? 'offline' : 'rejected' };
    }).catch(function () {
      return { ok: false, retriable: true, reason: 'offline' };
    }).then(function (result) {
      clearTimeout(timer);
      return result;
    });
  }

  /* ---------------------------------------------------------------------------------------
   * The widget
   * ------------------------------------------------------------------------------------- */

  function createWidget(config) {
    var store = createStore(config.storageKey);
    var restored = restoreState(store.load());
    var state = restored.state;

    var isOpen = false;
    var flushing = false; // the send queue is being worked on
    var generation = 0; // bumped by reset(): late answers of an old conversation are dropped
    var controller = null; // AbortController of the request in flight
    var typingNode = null;
    var noticeNode = null;
    var noticeTimer = null;
    var draftTimer = null;
    var elements = new Map(); // message id -> its element in the log

    var ui = buildUi();

    /* ---------- DOM skeleton ---------- */

    function buildUi() {
      var launcher = h('button', {
        type: 'button',
        'class': 'irc-launcher',
        'aria-label': TEXT.open,
        'aria-expanded': 'false',
        'aria-controls': 'irc-panel'
      }, [icon('chat'), icon('close')]);

      var title = h('h2', { 'class': 'irc-title', id: 'irc-title', text: config.title });
      var subtitle = config.subtitle
        ? h('p', { 'class': 'irc-subtitle', text: config.subtitle }) : null;

      var menuButton = h('button', {
        type: 'button',
        'class': 'irc-icon-button irc-menu-button',
        id: 'irc-menu-button',
        'aria-label': TEXT.menu,
        'aria-haspopup': 'menu',
        'aria-expanded': 'false',
        'aria-controls': 'irc-menu'
      }, [icon('more')]);

      var newConversation = h('button', {
        type: 'button',
        role: 'menuitem',
        tabindex: '-1',
        'class': 'irc-menu-item irc-new-conversation',
        text: TEXT.newConversation
      });

      var menu = h('ul', {
        'class': 'irc-menu',
        id: 'irc-menu',
        role: 'menu',
        'aria-labelledby': 'irc-menu-button',
        hidden: true
      }, [h('li', { role: 'none' }, [newConversation])]);

      var closeButton = h('button', {
        type: 'button',
        'class': 'irc-icon-button irc-close',
        'aria-label': TEXT.close
      }, [icon('close')]);

      var header = h('div', { 'class': 'irc-header' }, [
        buildAvatar(),
        h('div', { 'class': 'irc-heading' }, [title, subtitle]),
        h('div', { 'class': 'irc-menu-wrap' }, [menuButton, menu]),
        closeButton
      ]);

      var log = h('div', {
        'class': 'irc-log',
        id: 'irc-log',
        role: 'log',
        'aria-live': 'polite',
        'aria-relevant': 'additions',
        'aria-label': TEXT.logLabel,
        tabindex: '0'
      });

      var input = h('textarea', {
        'class': 'irc-input',
        id: 'irc-input',
        rows: '1',
        placeholder: TEXT.inputPlaceholder,
        autocomplete: 'off',
        enterkeyhint: 'send',
        'aria-describedby': 'irc-input-hint'
      });

      var sendButton = h('button', {
        type: 'submit',
        'class': 'irc-send',
        'aria-label': TEXT.send
      }, [icon('send')]);

      var form = h('form', { 'class': 'irc-form', novalidate: true }, [
        h('label', { 'class': 'irc-sr-only', 'for': 'irc-input', text: TEXT.inputLabel }),
        input,
        sendButton,
        h('span', { 'class': 'irc-sr-only', id: 'irc-input-hint', text: TEXT.inputHint })
      ]);

      // Static text outside the live log: read when the user reaches it, never re-announced
      // as messages arrive.
      var disclaimer = h('p', { 'class': 'irc-disclaimer', id: 'irc-disclaimer',
        text: TEXT.disclaimer });

      var panel = h('div', {
        'class': 'irc-panel',
        id: 'irc-panel',
        role: 'dialog',
        'aria-label': config.title,
        hidden: true
      }, [
        header,
        log,
        form,
        disclaimer,
        h('span', { 'class': 'irc-sr-only', id: 'irc-newtab-hint', text: TEXT.newTab })
      ]);

      // A labelled landmark, so screen-reader users can jump to the chat (and all of its
      // content sits in a landmark). DOM order panel-then-launcher matches the visual order.
      var root = h('div', {
        'class': 'irc-widget irc-' + config.position,
        role: 'region',
        'aria-label': TEXT.region,
        'data-position': config.position,
        lang: 'en'
      }, [panel, launcher]);
      if (config.primaryColor) root.style.setProperty('--irc-primary', config.primaryColor);
      if (config.primaryTextColor) root.style.setProperty('--irc-primary-text', config.primaryTextColor);

      return {
        root: root, panel: panel, launcher: launcher, menuButton: menuButton, menu: menu,
        newConversation: newConversation, closeButton: closeButton, log: log, form: form,
        input: input, sendButton: sendButton
      };
    }

    /** The header's avatar: the data-avatar image, else (or if it fails) the built-in one. */
    function buildAvatar() {
      var wrap = h('span', { 'class': 'irc-avatar', 'aria-hidden': 'true' });
      if (!config.avatar) {
        wrap.appendChild(defaultAvatar());
        return wrap;
      }
      var img = h('img', { 'class': 'irc-avatar-img', src: config.avatar, alt: '',
        width: '36', height: '36', decoding: 'async', referrerpolicy: 'no-referrer' });
      img.addEventListener('error', function () {
        wrap.textContent = '';
        wrap.appendChild(defaultAvatar());
      });
      wrap.appendChild(img);
      return wrap;
    }

    /* ---------- persistence ---------- */

    function save() {
      state.messages = trimHistory(state.messages, MAX_STORED_MESSAGES);
      store.save(state);
    }

    function saveDraftSoon() {
      clearTimeout(draftTimer);
      draftTimer = setTimeout(function () {
        state.draft = ui.input.value;
        save();
      }, SAVE_DRAFT_DELAY_MS);
    }

    /* ---------- rendering messages ---------- */

    /** The element for one message (null for the hidden greeting). */
    function buildMessage(msg) {
      if (msg.role === 'user' && msg.hidden) return null;
      if (msg.role === 'note') {
        return h('p', { 'class': 'irc-note', 'data-id': msg.id, text: msg.text });
      }
      var node = h('div', {
        'class': 'irc-msg ' + (msg.role === 'user' ? 'irc-user' : 'irc-bot'),
        'data-id': msg.id
      });
      // The .irc-msg element is the bubble; .irc-text holds its words, quick replies follow.
      if (msg.text) {
        var text = h('div', { 'class': 'irc-text' });
        if (msg.role === 'user') text.textContent = msg.text; // typed text stays literal
        else text.appendChild(formatBotText(msg.text));
        node.appendChild(text);
      }
      if (msg.role === 'bot' && msg.buttons && msg.buttons.length) {
        node.appendChild(buildQuickReplies(msg));
      }
      applyStatus(node, msg);
      return node;
    }

    function buildQuickReplies(msg) {
      var group = h('div', {
        'class': 'irc-quick-replies',
        role: 'group',
        'aria-label': TEXT.suggestions
      });
      msg.buttons.forEach(function (button, index) {
        var node = h('button', {
          type: 'button',
          'class': 'irc-quick-reply' + (msg.chosen === index ? ' irc-chosen' : ''),
          text: button.title
        });
        node.addEventListener('click', function () { chooseQuickReply(msg, index, node); });
        group.appendChild(node);
      });
      return group;
    }

    /**
     * Quick replies answer the turn they came with: once the user has said anything after
     * a bot message (typed or clicked), its buttons are disabled, so an old choice can't
     * be sent out of context. Derived from the order of the history (nothing extra is
     * stored), so a reload draws the same: only the latest bot turn, still unanswered,
     * keeps live buttons.
     */
    function refreshQuickReplies() {
      var answered = false; // a user message comes later in the history
      for (var i = state.messages.length - 1; i >= 0; i--) {
        var msg = state.messages[i];
        if (msg.role === 'user') {
          answered = true;
        } else if (msg.role === 'bot' && msg.buttons && msg.buttons.length) {
          var node = elements.get(msg.id);
          var group = node && node.querySelector('.irc-quick-replies');
          if (group) setQuickRepliesLive(group, !answered);
        }
      }
    }

    function setQuickRepliesLive(group, live) {
      group.classList.toggle('irc-stale', !live);
      Array.prototype.forEach.call(group.querySelectorAll('.irc-quick-reply'), function (b) {
        // disabled: not clickable, not focusable, and announced as unavailable.
        b.disabled = !live;
        if (live) b.removeAttribute('aria-disabled');
        else b.setAttribute('aria-disabled', 'true');
      });
    }

    /** Mark a user message as waiting or not sent (class irc-unsent). */
    function applyStatus(node, msg) {
      if (!node || msg.role !== 'user') return;
      node.classList.toggle('irc-unsent', msg.status === 'unsent');
      node.classList.toggle('irc-pending', msg.status === 'queued' || msg.status === 'sending');
      node.classList.toggle('irc-rejected', msg.status === 'rejected');
    }

    function refreshStatus(msg) {
      applyStatus(elements.get(msg.id), msg);
    }

    /** Put the element of state.messages[index] in the log, after its predecessors. */
    function mountMessage(index) {
      var msg = state.messages[index];
      var node = buildMessage(msg);
      if (!node) return null;
      elements.set(msg.id, node);
      for (var i = index - 1; i >= 0; i--) {
        var previous = elements.get(state.messages[i].id);
        if (previous && previous.parentNode === ui.log) {
          previous.after(node);
          return node;
        }
      }
      ui.log.prepend(node);
      return node;
    }

    /** mountMessage, then bring every message's quick replies up to date. */
    function mountAndRefresh(index) {
      var node = mountMessage(index);
      refreshQuickReplies();
      return node;
    }

    /** Render the whole stored history (before the widget is attached: no announcements). */
    function renderHistory() {
      ui.log.textContent = '';
      elements.clear();
      state.messages.forEach(function (msg, index) { mountMessage(index); });
      refreshQuickReplies();
    }

    /** Show the typing indicator at the end of the log (scrolled into view unless told). */
    function showTyping(keepScroll) {
      if (!typingNode) {
        typingNode = h('div', {
          'class': 'irc-typing',
          role: 'img',
          'aria-label': TEXT.typing
        }, [
          h('span', { 'class': 'irc-sr-only', text: TEXT.typing }),
          h('span', { 'class': 'irc-dot', 'aria-hidden': 'true' }),
          h('span', { 'class': 'irc-dot', 'aria-hidden': 'true' }),
          h('span', { 'class': 'irc-dot', 'aria-hidden': 'true' })
        ]);
      }
      ui.log.appendChild(typingNode); // always the last thing in the log
      if (!keepScroll) scrollToEnd();
    }

    function hideTyping() {
      if (typingNode && typingNode.parentNode) typingNode.parentNode.removeChild(typingNode);
    }

    /** Scroll the log so that node's top shows, as far down as possible. */
    function reveal(node) {
      if (!isOpen || !node) return;
      var log = ui.log;
      var bottom = log.scrollHeight - log.clientHeight;
      var top = Math.max(0, Math.min(bottom, node.offsetTop - 12));
      if (typeof log.scrollTo === 'function') {
        log.scrollTo({ top: top, behavior: prefersReducedMotion() ? 'auto' : 'smooth' });
      } else {
        log.scrollTop = top;
      }
    }

    function scrollToEnd() {
      if (isOpen) ui.log.scrollTop = ui.log.scrollHeight;
    }

    /* ---------- offline notice ---------- */

    /** Show (or update) the polite notice with its Retry button. */
    function showNotice(message) {
      if (!noticeNode) {
        var text = h('p', { 'class': 'irc-offline-text' });
        var retry = h('button', {
          type: 'button',
          'class': 'irc-retry',
          'aria-label': TEXT.retry,
          text: TEXT.retry
        });
        retry.addEventListener('click', retryNow);
        noticeNode = h('div', { 'class': 'irc-offline', role: 'status' }, [text, retry]);
        ui.panel.insertBefore(noticeNode, ui.form);
      }
      // Fill the live region just after it is attached, so screen readers announce it.
      var target = noticeNode.querySelector('.irc-offline-text');
      clearTimeout(noticeTimer);
      noticeTimer = setTimeout(function () { target.textContent = message; }, 60);
    }

    function removeNotice() {
      clearTimeout(noticeTimer);
      if (!noticeNode) return;
      var hadFocus = noticeNode.contains(document.activeElement);
      noticeNode.parentNode.removeChild(noticeNode);
      noticeNode = null;
      if (hadFocus) ui.input.focus();
    }

    /* ---------- sending ---------- */

    function addMessage(msg) {
      state.messages.push(msg);
      save();
      return mountAndRefresh(state.messages.length - 1);
    }

    /** Show a user message (title/text) and queue its payload for the bot. */
    function sendUserMessage(text, payload) {
      var msg = { id: newMessageId(), role: 'user', text: text, status: 'queued' };
      if (payload !== undefined && payload !== text) msg.payload = payload;
      reveal(addMessage(msg));
      flush();
    }

    /** Queue the greeting payload, once per stored conversation. */
    function greetOnce() {
      if (state.greeted) return;
      state.greeted = true;
      if (config.greeting) {
        state.messages.push({ id: newMessageId(), role: 'user', text: '', hidden: true,
          payload: config.greeting, status: 'queued' });
      }
      save();
      flush();
    }

    function submitDraft() {
      var text = ui.input.value.trim();
      if (!text) {
        ui.input.focus();
        return;
      }
      ui.input.value = '';
      autosize();
      clearTimeout(draftTimer);
      state.draft = '';
      sendUserMessage(text);
    }

    function chooseQuickReply(msg, index, node) {
      if (node.disabled) return;
      msg.chosen = index; // saved with the user message that sendUserMessage adds
      node.classList.add('irc-chosen');
      // The clicked button is about to be disabled (it loses focus): keep focus in the panel.
      ui.input.focus();
      sendUserMessage(msg.buttons[index].title, msg.buttons[index].payload);
    }

    function nextOutstanding() {
      for (var i = 0; i < state.messages.length; i++) {
        var msg = state.messages[i];
        if (msg.role === 'user' && (msg.status === 'queued' || msg.status === 'unsent')) return msg;
      }
      return null;
    }

    function hasUnsent() {
      return state.messages.some(function (msg) {
        return msg.role === 'user' && msg.status === 'unsent';
      });
    }

    /** Where the replies to msg go: after it and after any replies it already has. */
    function replyIndex(msg) {
      var i = state.messages.indexOf(msg);
      if (i < 0) return state.messages.length;
      i += 1;
      while (i < state.messages.length && state.messages[i].replyTo === msg.id) i += 1;
      return i;
    }

    /** Store replies at once (a reload keeps them all), then show them one by one. */
    function deliverReplies(msg, replies, gen) {
      var index = replyIndex(msg);
      var stored = replies.map(function (reply) {
        return { id: newMessageId(), role: 'bot', text: reply.text, buttons: reply.buttons,
          replyTo: msg.id };
      });
      Array.prototype.splice.apply(state.messages, [index, 0].concat(stored));
      save();

      var first = null;
      var chain = Promise.resolve();
      stored.forEach(function (reply, n) {
        chain = chain.then(function () {
          if (gen !== generation) return null;
          if (n === 0 || prefersReducedMotion()) return null;
          showTyping(true); // keep the start of the first reply in view
          return wait(BETWEEN_MESSAGES_MS);
        }).then(function () {
          if (gen !== generation) return;
          var at = state.messages.indexOf(reply);
          if (at < 0) return;
          var node = mountAndRefresh(at);
          first = first || node;
          reveal(first);
        });
      });
      return chain;
    }

    function addNote(msg, text) {
      var note = { id: newMessageId(), role: 'note', text: text, replyTo: msg.id };
      var index = replyIndex(msg);
      state.messages.splice(index, 0, note);
      save();
      reveal(mountAndRefresh(index));
    }

    /**
     * Send every outstanding user message, oldest first, one at a time. On a network
     * failure everything left stays in the history as "unsent", with the offline notice.
     */
    function flush() {
      if (flushing) return Promise.resolve();
      if (!nextOutstanding()) return Promise.resolve();
      flushing = true;
      var gen = generation;

      // A retry: earlier failures go back in the queue (no longer marked as not sent).
      state.messages.forEach(function (msg) {
        if (msg.role === 'user' && msg.status === 'unsent') {
          msg.status = 'queued';
          refreshStatus(msg);
        }
      });

      function step() {
        if (gen !== generation) return null;
        var msg = nextOutstanding();
        if (!msg) return null;
        msg.status = 'sending';
        refreshStatus(msg);
        save();
        showTyping();
        controller = new AbortController();
        var payload = msg.payload !== undefined ? msg.payload : msg.text;
        return postMessage(config.endpoint, state.sender, payload, controller).then(function (result) {
          if (gen !== generation) return null; // reset() meanwhile: forget this answer
          controller = null;
          if (result.ok) {
            msg.status = 'sent';
            refreshStatus(msg);
            save();
            if (!hasUnsent()) removeNotice();
            return deliverReplies(msg, result.replies, gen).then(step);
          }
          if (!result.retriable) {
            msg.status = 'rejected';
            refreshStatus(msg);
            addNote(msg, result.reason === 'unreadable' ? TEXT.unreadable : TEXT.rejected);
            return step();
          }
          // Unreachable: keep this and every queued message, marked as not sent.
          state.messages.forEach(function (m) {
            if (m.role === 'user' && (m.status === 'queued' || m.status === 'sending')) {
              m.status = 'unsent';
              refreshStatus(m);
            }
          });
          save();
          showNotice(TEXT.offline);
          return null;
        });
      }

      return Promise.resolve().then(step).then(function () {
        if (gen !== generation) return;
        flushing = false;
        hideTyping();
      });
    }

    function retryNow() {
      if (flushing) return;
      if (noticeNode) showNotice(TEXT.retrying);
      flush();
    }

    /* ---------- open / close / menu / reset ---------- */

    function setLauncher(open) {
      ui.launcher.setAttribute('aria-expanded', open ? 'true' : 'false');
      ui.launcher.setAttribute('aria-label', open ? TEXT.close : TEXT.open);
    }

    /** Open the panel (and greet, the first time); focus goes to the message box. */
    function open(options) {
      var moveFocus = !options || options.focus !== false;
      if (!isOpen) {
        isOpen = true;
        ui.panel.hidden = false;
        ui.root.classList.add('irc-open');
        document.documentElement.classList.add('irc-lock-scroll');
        setLauncher(true);
        if (!state.open) {
          state.open = true;
          save();
        }
        scrollToEnd();
      }
      autosize(); // a restored multi-line draft gets its height now that it is visible
      if (moveFocus) ui.input.focus();
      greetOnce();
    }

    /** Close the panel; focus goes back to the launcher if it was inside the widget. */
    function close(options) {
      if (!isOpen) return;
      var returnFocus = (!options || options.focus !== false) &&
        ui.root.contains(document.activeElement);
      closeMenu(false);
      isOpen = false;
      ui.panel.hidden = true;
      ui.root.classList.remove('irc-open');
      document.documentElement.classList.remove('irc-lock-scroll');
      setLauncher(false);
      state.open = false;
      save();
      if (returnFocus) ui.launcher.focus();
    }

    function menuIsOpen() {
      return !ui.menu.hidden;
    }

    function menuItems() {
      return Array.prototype.slice.call(ui.menu.querySelectorAll('[role="menuitem"]'));
    }

    function openMenu() {
      ui.menu.hidden = false;
      ui.menuButton.setAttribute('aria-expanded', 'true');
      menuItems()[0].focus();
      document.addEventListener('pointerdown', onPointerDownOutsideMenu, true);
    }

    function closeMenu(focusButton) {
      if (!menuIsOpen()) return;
      ui.menu.hidden = true;
      ui.menuButton.setAttribute('aria-expanded', 'false');
      document.removeEventListener('pointerdown', onPointerDownOutsideMenu, true);
      if (focusButton) ui.menuButton.focus();
    }

    function onPointerDownOutsideMenu(event) {
      if (!ui.menu.contains(event.target) && !ui.menuButton.contains(event.target)) closeMenu(false);
    }

    /** Arrow keys / Home / End move between menu items; Tab leaves (and closes) the menu. */
    function onMenuKeydown(event) {
      var items = menuItems();
      var at = items.indexOf(document.activeElement);
      var next = null;
      if (event.key === 'ArrowDown') next = items[(at + 1) % items.length];
      else if (event.key === 'ArrowUp') next = items[(at - 1 + items.length) % items.length];
      else if (event.key === 'Home') next = items[0];
      else if (event.key === 'End') next = items[items.length - 1];
      else if (event.key === 'Tab') closeMenu(false);
      if (next) {
        event.preventDefault();
        next.focus();
      }
    }

    /** Cancel whatever is in flight (a request, the typing indicator, a notice, the menu). */
    function stopActivity() {
      generation += 1;
      if (controller) controller.abort();
      controller = null;
      flushing = false;
      hideTyping();
      removeNotice();
      closeMenu(false);
    }

    /** Forget the conversation: new sender id, empty log, greeting again. */
    function reset() {
      stopActivity();

      var draft = ui.input.value;
      state = freshState();
      state.open = isOpen;
      state.draft = draft;
      elements.clear();
      ui.log.textContent = '';
      save();
      if (isOpen) greetOnce(); // otherwise on the next open
    }

    /* ---------- input ---------- */

    function autosize() {
      var input = ui.input;
      input.style.height = 'auto';
      if (input.scrollHeight > input.clientHeight) {
        // border-box sizing: add the borders to the content height (CSS caps the growth)
        input.style.height = (input.scrollHeight + input.offsetHeight - input.clientHeight) + 'px';
      }
    }

    /* ---------- events ---------- */

    function bindEvents() {
      ui.launcher.addEventListener('click', function () {
        if (isOpen) close();
        else open();
      });
      ui.closeButton.addEventListener('click', function () { close(); });

      ui.menuButton.addEventListener('click', function () {
        if (menuIsOpen()) closeMenu(false);
        else openMenu();
      });
      ui.menuButton.addEventListener('keydown', function (event) {
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          openMenu();
        }
      });
      ui.menu.addEventListener('keydown', onMenuKeydown);
      ui.newConversation.addEventListener('click', function () {
        closeMenu(false);
        reset();
        ui.input.focus();
      });

      ui.form.addEventListener('submit', function (event) {
        event.preventDefault();
        submitDraft();
      });
      ui.input.addEventListener('keydown', function (event) {
        // Enter sends; Shift+Enter is a new line; never while an IME is composing.
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
          event.preventDefault();
          submitDraft();
        }
      });
      ui.input.addEventListener('input', function () {
        autosize();
        saveDraftSoon();
      });

      // Escape anywhere in the widget: close the menu if open, else close the panel.
      ui.root.addEventListener('keydown', function (event) {
        if (event.key !== 'Escape' || event.isComposing || !isOpen) return;
        event.preventDefault();
        if (menuIsOpen()) closeMenu(true);
        else close();
      });

      // Back online: resend what was kept.
      window.addEventListener('online', function () {
        if (hasUnsent()) retryNow();
      });

      // Leaving the page: keep a draft whose debounced save has not happened yet.
      window.addEventListener('pagehide', function () {
        clearTimeout(draftTimer);
        state.draft = ui.input.value;
        save();
      });

      // Back/forward cache: this page was frozen while another page of the site went on
      // with the conversation. Take the stored one, or our next save would overwrite it.
      window.addEventListener('pageshow', function (event) {
        if (event.persisted) resyncFromStorage();
      });
    }

    /** Replace the in-memory conversation with the stored one and redraw it. */
    function resyncFromStorage() {
      var restoredNow = restoreState(store.load());
      stopActivity();
      state = restoredNow.state;
      state.draft = ui.input.value;

      // Redraw detached, so screen readers don't re-announce the whole history.
      var parent = ui.log.parentNode;
      var next = ui.log.nextSibling;
      parent.removeChild(ui.log);
      renderHistory();
      parent.insertBefore(ui.log, next);

      if (state.open && !isOpen) open({ focus: false });
      else if (!state.open && isOpen) close({ focus: false });
      scrollToEnd();
      if (hasUnsent()) showNotice(restoredNow.interrupted ? TEXT.interrupted : TEXT.offline);
    }

    /* ---------- start ---------- */

    function mount() {
      renderHistory();
      ui.input.value = state.draft || '';
      bindEvents();
      if (state.open) open({ focus: false }); // re-open after a reload, without stealing focus

      // Hidden until the stylesheet is in, so the page never flashes unstyled parts.
      ui.root.style.visibility = 'hidden';
      var shown = false;
      function show() {
        if (shown) return;
        shown = true;
        ui.root.style.visibility = '';
        autosize();
        scrollToEnd();
      }
      loadStylesheet(config.stylesheet, show);
      setTimeout(show, CSS_WAIT_MS);

      document.body.appendChild(ui.root);
      if (hasUnsent()) showNotice(restored.interrupted ? TEXT.interrupted : TEXT.offline);
    }

    mount();

    return {
      open: function () { open(); },
      close: function () { close(); },
      reset: function () { reset(); }
    };
  }

  /** Add the widget's stylesheet to <head> (once) and call done when it has loaded. */
  function loadStylesheet(href, done) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      if (links[i].href === href) {
        done();
        return;
      }
    }
    var link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.addEventListener('load', done);
    link.addEventListener('error', done);
    (document.head || document.documentElement).appendChild(link);
  }

  /* ---------------------------------------------------------------------------------------
   * Start-up and public API
   * ------------------------------------------------------------------------------------- */

  var config = readConfig(currentScript);
  var widget = null;
  var pending = []; // API calls made before the page's <body> existed

  function start() {
    if (widget) return;
    widget = createWidget(config);
    pending.splice(0).forEach(function (name) { widget[name](); });
  }

  function call(name) {
    return function () {
      if (widget) widget[name]();
      else pending.push(name);
    };
  }

  window.IRCareersChat = Object.freeze({
    open: call('open'),
    close: call('close'),
    reset: call('reset')
  });

  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
