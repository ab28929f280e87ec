// On signed-in pages: the quick exit (its button, or Escape three times), and, with the app
// lock on, locking at a cold start, after time in the background, and when Back would bring a
// page out of the browser's memory. Locking always asks the server first: it answers the lock
// screen for every page until the PIN is given. Offline, the PIN is checked here (applock.js).

import { call } from "./api.js";
import * as applock from "./applock.js";
import * as device from "./device.js";

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content ?? null;
const afterMinutes = Number(meta("journal-lock")) || 0;
const owner = meta("journal-user");
const root = document.documentElement;
const ESCAPES = 3;
const ESCAPE_WINDOW_MS = 1500;

const within = (promise, ms) =>
  Promise.race([promise.catch(() => null), new Promise((resolve) => setTimeout(resolve, ms))]);

async function lockNow() {
  root.classList.add("locking");
  await within(applock.keepTyping(), 1000);
  applock.markLocked();
  const answer = await within(call("POST", "/api/v1/me/lock/now"), 5000);
  document.body.replaceChildren(); // not one journal word left in this page
  if (!answer?.ok && owner && (await applock.knows(owner))) await applock.askHere(owner);
  location.reload();
}

// Leave at once: nothing of the journal on screen, the neutral page in this one's place in the
// history, and this device locked (signed out, without a PIN) behind it.
async function leave() {
  root.classList.add("leaving");
  document.body.replaceChildren();
  applock.markLocked();
  const locked = call("POST", "/api/v1/me/lock/now").then(async (answer) => {
    if (answer.ok && !afterMinutes) await device.lock(); // signed out: the keys leave too
  });
  await within(locked, 800);
  location.replace("/away");
}

document.querySelector("form[data-quick-exit]")?.addEventListener("submit", (event) => {
  event.preventDefault();
  leave();
});

let escapes = [];
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const now = Date.now();
  escapes = [...escapes.filter((at) => now - at < ESCAPE_WINDOW_MS), now];
  if (escapes.length >= ESCAPES) leave();
});

// The verifier follows the server: kept once it took a PIN, gone when the lock is off.
if (owner && meta("journal-pin-accepted")) applock.settle(owner);
if (owner && !afterMinutes) {
  Promise.all([applock.knows(owner), applock.minutesFor(owner)]).then(([known, minutes]) => {
    if (known || minutes) applock.forget(owner); // written only when there is something to drop
  });
}
if (owner && afterMinutes) applock.noteOn(owner, afterMinutes);

if (afterMinutes) {
  if (applock.lockedHere()) lockNow();
  applock.watchBackground(afterMinutes, lockNow);
  // Back and Forward may show a page kept in memory: ask the server again instead.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    root.classList.add("locking");
    location.reload();
  });
}

// Forms that give the PIN (the lock screen, the account page): offer it to the verifier, kept
// only once the server says it took it.
for (const form of document.querySelectorAll("form[data-pin-form]")) {
  form.addEventListener("submit", async (event) => {
    const pin = form.elements.namedItem("pin")?.value || "";
    const who = form.dataset.pinForm || owner; // the lock screen names no one on its page
    if (!who || form.dataset.proposed || !/^[0-9]{4,8}$/.test(pin)) return;
    event.preventDefault();
    await within(applock.propose(who, pin), 3000);
    form.dataset.proposed = "yes";
    form.requestSubmit();
  });
}
