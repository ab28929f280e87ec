// Service worker: keeps the app shell for offline use. It never stores an API answer or any page
// the server renders for someone: only static files and the offline page, which is the same for
// everyone. Offline, every page opens as that offline page, whose script shows the account still
// signed in on this device its own drafts and kept entries (see device.js), and no one else
// anything.

const VERSION = "__SHELL_VERSION__";
const SHELL = `shell-${VERSION}`;
const OFFLINE = "/offline";
const SHELL_FILES = __SHELL_FILES__;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const shell = await caches.open(SHELL);
      await shell.addAll(SHELL_FILES);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // Older versions also kept a signed-in new-entry page: every other cache goes.
      for (const name of await caches.keys()) {
        if (name !== SHELL) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function page(request) {
  try {
    return await fetch(request);
  } catch {
    return caches.match(OFFLINE, { cacheName: SHELL });
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return; // never cached
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (SHELL_FILES.includes(url.pathname)) {
    event.respondWith(caches.match(request, { cacheName: SHELL }).then((hit) => hit || fetch(request)));
  }
});

// Background Sync, where the browser has it, only wakes the pages' own outbox.
self.addEventListener("sync", (event) => {
  if (event.tag === "journal-outbox") {
    event.waitUntil(
      self.clients.matchAll().then((list) => list.forEach((c) => c.postMessage("journal:flush"))),
    );
  }
});

// Web Push reminders: show only the title and the plain sentence the server sent (it never holds
// journal words or names), and open our own page on a tap.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = {};
  }
  const text = (value, fallback) => (typeof value === "string" && value ? value.slice(0, 200) : fallback);
  // Only a page of ours opens, whatever the url says (a "//host" path would leave the site).
  let path = "/";
  try {
    const url = new URL(typeof data.url === "string" ? data.url : "/", self.location.origin);
    if (url.origin === self.location.origin) path = url.pathname + url.search;
  } catch {
    path = "/";
  }
  event.waitUntil(
    self.registration.showNotification(text(data.title, "Alliance Journal"), {
      body: text(data.body, "Something new is waiting in your journal."),
      icon: "/static/icons/icon-192.png",
      tag: `reminder:${path}`,
      data: { url: path },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || "/", self.location.origin);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((w) => new URL(w.url).pathname === target.pathname);
      if (open) return open.focus();
      return self.clients.openWindow(target.href);
    })(),
  );
});
