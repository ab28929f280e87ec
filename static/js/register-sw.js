// Installs the service worker, so the app opens and takes new entries offline.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then((registration) => {
    // Background Sync is a bonus: the outbox works without it.
    registration.sync?.register("journal-outbox").catch(() => null);
  }).catch(() => null);
}
