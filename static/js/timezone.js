// A new account's time zone: the browser's own (such as "Europe/Berlin"), so session times and
// dates show on the person's clock. Without this script the account starts in UTC, and the
// account page can change it; there, where this device's zone differs, one button takes it.
const input = document.querySelector("input[data-time-zone]");

if (input && !input.value) {
  try {
    input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    // No time zone support: the server uses UTC.
  }
}

const offer = document.querySelector("form[data-device-zone]");
let here = "";
try {
  here = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
} catch {
  // No time zone support: nothing to offer.
}
if (offer && here && here !== offer.dataset.deviceZone) {
  offer.elements.namedItem("time_zone").value = here;
  const city = here.split("/").pop().replaceAll("_", " ");
  offer.querySelector("button").textContent = `Use this device's time zone (${city})`;
  offer.hidden = false;
}
