// Live feed: a WebSocket to /ws/feed/ with reconnect (exponential backoff with jitter) and a
// catch-up fetch of /api/posts/?after=<newest id seen> after every (re)connect, so no post is
// lost while the socket was down. Events are deduplicated by type and id; when the server's
// newest post id is below the newest this page has seen (a fresh database: ids started again),
// the page drops its posts and shows the server's.
(function () {
  "use strict";

  var MAX_ITEMS = 200;
  var PAGE_POSTS = 50; // as many posts as the server renders on the page
  var BACKOFF_BASE_MS = 500;
  var BACKOFF_MAX_MS = 30000;

  var feed = document.getElementById("feed");
  var statusEl = document.getElementById("status");
  var form = document.getElementById("post-form");
  var formErrors = document.getElementById("form-errors");
  var seen = new Set();
  var newestPostId = 0;
  var attempt = 0;

  // Server-rendered times are UTC; show them like live ones, in the reader's time zone.
  Array.prototype.forEach.call(feed.querySelectorAll("time[datetime]"), function (time) {
    time.textContent = new Date(time.getAttribute("datetime")).toLocaleString();
  });
  Array.prototype.forEach.call(feed.querySelectorAll("li[data-type=post]"), function (li) {
    var id = Number(li.dataset.id);
    seen.add("post:" + id);
    newestPostId = Math.max(newestPostId, id);
  });

  function setStatus(state, text) {
    statusEl.dataset.state = state;
    statusEl.textContent = text;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text; // never innerHTML: bodies are user input
    return node;
  }

  function show(event) {
    if (event.type !== "post" && event.type !== "message") return;
    var key = event.type + ":" + event.id;
    if (seen.has(key)) return;
    seen.add(key);

    var li = element("li", event.type);
    li.dataset.type = event.type;
    li.dataset.id = event.id;
    li.appendChild(element("span", "author", event.author || "anonymous"));
    var time = element("time", "", new Date(event.created_at).toLocaleString());
    time.setAttribute("datetime", event.created_at);
    li.appendChild(time);
    li.appendChild(element("p", "body", event.body));

    var empty = feed.querySelector("li.empty");
    if (empty) empty.remove();
    if (event.type === "post" && event.id < newestPostId) {
      // A missed post from the catch-up: place it among the posts by id, newest first.
      var older = Array.prototype.find.call(
        feed.querySelectorAll("li[data-type=post]"),
        function (other) { return Number(other.dataset.id) < event.id; }
      );
      feed.insertBefore(li, older || null);
    } else {
      feed.insertBefore(li, feed.firstChild);
    }
    if (event.type === "post") newestPostId = Math.max(newestPostId, event.id);
    while (feed.children.length > MAX_ITEMS) feed.lastElementChild.remove();
  }

  function forgetPosts() {
    Array.prototype.forEach.call(feed.querySelectorAll("li[data-type=post]"), function (li) {
      li.remove();
    });
    seen.forEach(function (key) {
      if (key.indexOf("post:") === 0) seen.delete(key);
    });
    newestPostId = 0;
  }

  function catchUp(after) {
    return fetch("/api/posts/?after=" + after, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("catch-up answered " + response.status);
        return response.json();
      })
      .then(function (page) {
        if (page.newest_id < newestPostId) {
          // The ids this page knows belong to a database that is gone.
          forgetPosts();
          return catchUp(Math.max(0, page.newest_id - PAGE_POSTS));
        }
        page.posts.forEach(show);
        if (page.more && page.posts.length) return catchUp(page.posts[page.posts.length - 1].id);
      });
  }

  // An error that is the server's or the network's (not the input's) is stale once the server
  // answers again: a successful post or a reconnect clears it.
  function showFormError(text, fromServer) {
    formErrors.textContent = text;
    formErrors.dataset.fromServer = fromServer ? "1" : "";
    formErrors.hidden = false;
  }

  function clearFormError(onlyFromServer) {
    if (onlyFromServer && !formErrors.dataset.fromServer) return;
    formErrors.hidden = true;
    formErrors.textContent = "";
    formErrors.dataset.fromServer = "";
  }

  // "body: This field is required." per field; errors about the whole post without a prefix.
  function describeErrors(errors) {
    return Object.keys(errors)
      .map(function (field) {
        var text = [].concat(errors[field]).join(" ");
        return field === "__all__" ? text : field + ": " + text;
      })
      .join("; ");
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/feed/");
    setStatus("connecting", attempt ? "Reconnecting…" : "Connecting…");

    socket.addEventListener("open", function () {
      attempt = 0;
      setStatus("connected", "Connected");
      clearFormError(true);
      catchUp(newestPostId).catch(function (error) {
        console.warn("livefeed: catch-up failed", error);
      });
    });
    socket.addEventListener("message", function (message) {
      try {
        show(JSON.parse(message.data));
      } catch (error) {
        console.warn("livefeed: bad frame", error);
      }
    });
    socket.addEventListener("close", function () {
      var ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * Math.pow(2, attempt));
      var delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
      attempt += 1;
      setStatus("disconnected", "Disconnected, reconnecting in " + Math.ceil(delay / 1000) + " s");
      setTimeout(connect, delay);
    });
  }

  // Post as JSON so the page stays put; the form still works without JavaScript. On failure
  // the text stays in the textarea, so trying again is one click.
  form.addEventListener("submit", function (submit) {
    submit.preventDefault();
    var data = new FormData(form);
    fetch(form.action, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": data.get("csrfmiddlewaretoken"),
      },
      body: JSON.stringify({ author: data.get("author"), body: data.get("body") }),
    }).then(
      function (response) {
        // An error page from a proxy (502, 504) is not JSON: then the status is the reason.
        return response
          .json()
          .catch(function () { return null; })
          .then(function (payload) {
            if (response.status === 201 && payload) {
              clearFormError(false);
              form.elements.body.value = "";
              show(payload);
              return;
            }
            var reason = payload && payload.errors ? describeErrors(payload.errors) : "";
            var status = response.status + (response.statusText ? " " + response.statusText : "");
            showFormError(
              "Could not post (" + status + ")" + (reason ? ": " + reason : "."),
              response.status >= 500
            );
          });
      },
      function () {
        showFormError("Could not post: the server did not answer. Try again.", true);
      }
    );
  });

  connect();
})();
