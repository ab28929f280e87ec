// Service worker: keeps the app shell for offline use. It never stores API answers or any page
// holding journal text; only the shell, the offline page and the empty new-entry page.

const VERSION = "__SHELL_VERSION__";
const SHELL = `shell-${VERSION}`;
const PAGES = "pages-v1";
const NEW_ENTRY = "/journal/new";
const SHELL_FILES = __SHELL_FILES__;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const shell = await caches.open(SHELL);
      await shell.addAll(SHELL_FILES);
      await keepNewEntryPage(await fetch(NEW_ENTRY, { credentials: "same-origin" }).catch(() => null));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name !== SHELL && name !== PAGES) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

// Only a real, signed-in new-entry page is kept (never a redirect to sign-in).
async function keepNewEntryPage(response) {
  if (!response || !response.ok || response.redirected) return;
  if (new URL(response.url).pathname !== NEW_ENTRY) return;
  const pages = await caches.open(PAGES);
  await pages.put(NEW_ENTRY, response);
}

async function page(request) {
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    if (url.pathname === NEW_ENTRY) await keepNewEntryPage(response.clone());
    return response;
  } catch {
    if (url.pathname === NEW_ENTRY) {
      const kept = await caches.match(NEW_ENTRY, { cacheName: PAGES });
      if (kept) return kept;
    }
    return caches.match("/offline", { cacheName: SHELL });
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
