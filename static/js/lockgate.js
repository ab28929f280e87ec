// Runs in <head>, before anything is drawn (a classic script, not a module). With the app lock
// on, a tab's first page (a cold start) and a page this tab locked stay hidden from the very
// start; lock.js then locks on the server and shows the lock screen. Pages rendered for no one
// (sign-in, the lock screen itself) mark this tab as opened by a person who knew the way in.
(function () {
  var meta = function (name) {
    return document.querySelector('meta[name="' + name + '"]');
  };
  try {
    if (meta("journal-shell")) return; // the offline page: offline.js decides
    if (!meta("journal-lock")) {
      sessionStorage.setItem("journal-open", "1");
      sessionStorage.removeItem("journal-locked");
      return;
    }
    if (!sessionStorage.getItem("journal-open") || sessionStorage.getItem("journal-locked")) {
      document.documentElement.classList.add("locking");
    }
  } catch (e) {
    document.documentElement.classList.add("locking"); // no sessionStorage: lock to be safe
  }
})();
