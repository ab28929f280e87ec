// The app lock on this device: the slow PIN verifier kept for offline use (PBKDF2, so a guess
// costs real time), and the lock screen drawn here when the server can't be asked.

import * as idb from "./idb.js";

const ITERATIONS = 310_000;
const key = (owner) => `lock:${owner}`;
const bytes = (text) => new TextEncoder().encode(text);
const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

async function derive(pin, salt, iterations) {
  const material = await crypto.subtle.importKey("raw", bytes(pin), "PBKDF2", false, ["deriveBits"]);
  return hex(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, material, 256));
}

const proposed = (owner) => `lock-proposed:${owner}`;

// A PIN just typed into a form: derived now (it is slow), kept as the verifier only once the
// server's next page says it took it (settle), so a refused PIN never opens this device.
export async function propose(owner, pin) {
  if (!window.crypto?.subtle) return;
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const verifier = { salt, iterations: ITERATIONS, hash: await derive(pin, salt, ITERATIONS) };
  await idb.write("keys", verifier, proposed(owner));
}

export async function settle(owner) {
  const verifier = await idb.read("keys", proposed(owner));
  if (verifier) await idb.write("keys", verifier, key(owner));
  await idb.remove("keys", proposed(owner));
}

export async function forget(owner) {
  await idb.remove("keys", key(owner));
  await idb.remove("keys", proposed(owner));
  await idb.remove("keys", on(owner));
}

// That the lock is on for this account, so the offline page asks even on a device that holds
// no verifier yet (it then opens nothing until the server can be asked).
const on = (owner) => `lock-on:${owner}`;
export const noteOn = (owner, minutes) => idb.write("keys", minutes, on(owner));
export const minutesFor = async (owner) => Number(await idb.read("keys", on(owner))) || 0;

const HIDDEN_AT = "journal-hidden-at";

// Call `lock` when the page comes back after `minutes` or more in the background; until then,
// veil it, so the app switcher's picture shows nothing of it.
export function watchBackground(minutes, lock) {
  const root = document.documentElement;
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      root.classList.add("veiled");
      sessionStorage.setItem(HIDDEN_AT, String(Date.now()));
      return;
    }
    const hiddenAt = Number(sessionStorage.getItem(HIDDEN_AT)) || Date.now();
    sessionStorage.removeItem(HIDDEN_AT);
    if (Date.now() - hiddenAt >= minutes * 60_000) lock();
    else root.classList.remove("veiled");
  });
}
export const knows = async (owner) => Boolean(await idb.read("keys", key(owner)));

export async function check(owner, pin) {
  const kept = await idb.read("keys", key(owner));
  return Boolean(kept) && (await derive(pin, kept.salt, kept.iterations)) === kept.hash;
}

// Have an open editor keep what was typed on this device before the page locks or goes.
export async function keepTyping() {
  const waits = [];
  window.dispatchEvent(new CustomEvent("journal:keep", { detail: { waits } }));
  await Promise.allSettled(waits);
}

export const lockedHere = () => {
  try {
    return !sessionStorage.getItem("journal-open") || Boolean(sessionStorage.getItem("journal-locked"));
  } catch {
    return true;
  }
};

export function markLocked() {
  try {
    sessionStorage.setItem("journal-locked", "1");
  } catch {
    /* nothing to remember it in: the next page locks anyway */
  }
}

function markOpen() {
  sessionStorage.setItem("journal-open", "1");
  sessionStorage.removeItem("journal-locked");
}

// Offline: replace the whole page with a PIN form checked against the verifier; resolve once
// the right PIN is given. Wrong PINs wait longer each time, as on the server.
export function askHere(owner) {
  return new Promise((resolve) => {
    const main = document.createElement("main");
    main.id = "main";
    main.innerHTML = `
      <section class="card narrow lock-screen" aria-labelledby="lock-heading">
        <h1 id="lock-heading">Locked</h1>
        <p>Enter your PIN to open the app.</p>
        <form novalidate data-unlock-here>
          <div class="field">
            <label for="pin">PIN</label>
            <input id="pin" name="pin" type="password" inputmode="numeric" pattern="[0-9]*"
              autocomplete="off" required>
            <p class="field-error" id="pin-error" hidden></p>
          </div>
          <button type="submit" class="button">Unlock</button>
        </form>
        <p class="small">You're offline. Forgot your PIN? Once you're back online, sign out and
          sign in again with your password.</p>
      </section>`;
    const footer = document.createElement("footer");
    footer.className = "site-footer";
    footer.innerHTML = `<p class="safety">Nobody watches this app in real time. If you are in
      danger or need urgent help, call your local emergency number (such as 112, 911 or 999) or
      a crisis line near you.</p>`;
    document.body.replaceChildren(main, footer);
    document.documentElement.classList.remove("locking", "veiled");
    const form = main.querySelector("form");
    const problem = main.querySelector("#pin-error");
    const input = form.elements.namedItem("pin");
    let failures = 0;
    let waitUntil = 0;
    input.focus();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const wait = Math.ceil((waitUntil - Date.now()) / 1000);
      if (wait > 0) {
        problem.textContent = `Please wait ${wait} seconds before the next try.`;
        problem.hidden = false;
        return;
      }
      if (await check(owner, input.value)) {
        markOpen();
        resolve();
        return;
      }
      failures += 1;
      if (failures >= 5) waitUntil = Date.now() + 30_000 * 2 ** (failures - 5);
      problem.textContent = "That PIN isn't right.";
      problem.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "pin-error");
      input.value = "";
    });
  });
}
