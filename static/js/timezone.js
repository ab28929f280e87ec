// A new account's time zone: the browser's own (such as "Europe/Berlin"), so session times and
// dates show on the person's clock. Without this script the account starts in UTC, and the
// account page can change it.
const input = document.querySelector("input[data-time-zone]");

if (input && !input.value) {
  try {
    input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    // No time zone support: the server uses UTC.
  }
}
