// Keys that leave with the person. What this device keeps of an account (drafts, the outbox,
// the copy of recent entries) is sealed to that account's key pair for this device. Sealing
// needs only the public half, so nothing typed is lost whatever happens to the session; opening
// needs the private half, which the server hands only to a signed-in session of that account
// (POST /api/v1/me/device-key). This module deletes it at sign-out, at the first 401 any script
// sees, on every page the server renders for someone else or for no one, and offline once the
// session would have timed out. Until the same account signs in here again, nothing kept on
// this device can be read, listed or counted.

import { call } from "./api.js";
import * as idb from "./idb.js";
import { ECDH, isSealed, LEGACY, openWith, sealWith } from "./seal.js";

const DEVICE = "device";
const ACCOUNT = "account:";
const TOUCH_MS = 30_000;
const channel = "BroadcastChannel" in self ? new BroadcastChannel("alliance-journal-keys") : null;

let settling = null;
let mine = null; // this page's account; after a lock only its public half stays, to keep sealing

function meta(name) {
  return document.querySelector(`meta[name="${name}"]`)?.content ?? null;
}

// The signed-in client of a page the server just rendered (never of a cached page).
export const pageOwner = () => meta("journal-user");
const isShell = () => meta("journal-shell") !== null;

const toBase64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function deviceSecret() {
  const kept = await idb.read("keys", DEVICE);
  if (kept) return kept;
  const bytes = toBase64(crypto.getRandomValues(new Uint8Array(32)));
  const secret = bytes.replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
  const keys = await idb.objects("keys", "readwrite");
  if (keys) await idb.done(keys.add(secret, DEVICE)).catch(() => null); // another tab was first
  return (await idb.read("keys", DEVICE)) || secret;
}

async function accounts() {
  const keys = await idb.objects("keys");
  if (!keys) return [];
  const [names, values] = await Promise.all([
    idb.done(keys.getAllKeys()),
    idb.done(keys.getAll()),
  ]);
  return values.filter((_, i) => String(names[i]).startsWith(ACCOUNT));
}

const importPrivate = (base64) =>
  crypto.subtle.importKey("pkcs8", fromBase64(base64), ECDH, false, ["deriveBits"]);

async function fromServer(owner, body) {
  const now = Date.now();
  return {
    owner,
    keyId: body.key_id,
    publicKey: await crypto.subtle.importKey("raw", fromBase64(body.public_key), ECDH, true, []),
    privateKey: await importPrivate(body.private_key),
    previous: body.previous && {
      keyId: body.previous.key_id,
      privateKey: await importPrivate(body.previous.private_key),
    },
    checkedAt: now,
    idleMs: body.idle_seconds * 1000,
    endsAt: now + body.ends_in_seconds * 1000,
    offlineReading: body.offline_reading,
    timeZone: body.time_zone,
  };
}

async function keep(state) {
  mine = state;
  await idb.write("keys", state, ACCOUNT + state.owner);
  return state;
}

// Delete every account's key from this device (and from this page's memory), keeping the
// sealed words: they open again when their own account signs in here.
export async function lock() {
  for (const state of await accounts()) await idb.remove("keys", ACCOUNT + state.owner);
  forgetPrivateHalf();
  channel?.postMessage("locked");
  localStorage.removeItem("journal-last-user"); // written by versions before keys left with people
  for (const name of self.caches ? await caches.keys() : []) {
    if (!name.startsWith("shell-")) await caches.delete(name);
  }
}

function forgetPrivateHalf() {
  if (mine) mine = { owner: mine.owner, keyId: mine.keyId, publicKey: mine.publicKey };
  window.dispatchEvent(new CustomEvent("journal:locked"));
}

channel?.addEventListener("message", async (event) => {
  if (event.data === "locked") forgetPrivateHalf();
  // Another tab replaced the key: seal with the new one from now on.
  if (event.data === "renewed" && mine) mine = (await idb.read("keys", ACCOUNT + mine.owner)) || mine;
});

async function forgetOthers(owner) {
  for (const state of await accounts()) {
    if (state.owner !== owner) await idb.remove("keys", ACCOUNT + state.owner);
  }
}

// Ask the server for this device's key; only a signed-in session of the account gets it.
export async function unlock(owner) {
  const answer = await call("POST", "/api/v1/me/device-key", {
    device: await deviceSecret(),
  }).catch(() => null);
  if (answer?.status === 401) await lock();
  if (!answer?.ok) return null;
  await forgetOthers(owner);
  const state = await keep(await fromServer(owner, answer.body));
  await reseal(state);
  return state;
}

const expired = (state, now = Date.now()) =>
  now > state.endsAt || now > state.checkedAt + state.idleMs;

// Whose key this page may use, decided once per page: the signed-in client of a page the server
// rendered; on the offline page, the account still unlocked here if its session can still be
// alive; on any other page, no one (and every key leaves).
export function settle() {
  settling ||= (async () => {
    const owner = pageOwner();
    if (owner) {
      const stored = await idb.read("keys", ACCOUNT + owner);
      if (!stored?.privateKey || Date.now() > stored.endsAt) {
        const state = await unlock(owner);
        if (!state) settling = null; // the server could not be asked: ask again next time
        return state;
      }
      await forgetOthers(owner);
      const flags = { offlineReading: meta("journal-offline") === "on" };
      return keep({ ...stored, ...flags, timeZone: meta("journal-time-zone"), checkedAt: Date.now() });
    }
    if (!isShell()) {
      await lock();
      return null;
    }
    const unlocked = (await accounts()).filter((state) => state.privateKey);
    mine = unlocked.find((state) => !expired(state)) || null;
    if (!mine && unlocked.length) await lock();
    return mine;
  })();
  return settling;
}

// The account whose words this page may open, or null (signed out, locked or timed out).
export async function current() {
  await settle();
  if (mine?.privateKey && !expired(mine)) return mine;
  if (mine?.privateKey) await lock();
  return null;
}

// The account this page writes for: also after a lock, so words typed on an open page are kept.
export async function writer() {
  await settle();
  return mine?.owner ?? null;
}

// Remember something about this device's copy (when it was last brought up to date).
export async function note(change) {
  if (mine?.privateKey) await keep({ ...mine, ...change });
}

// A signed-in answer from the server: the session is alive, so keep the key a while longer.
export async function alive() {
  if (!mine?.privateKey || Date.now() - mine.checkedAt < TOUCH_MS) return;
  await keep({ ...mine, checkedAt: Date.now() });
}

// Seal words for an account: its public half is enough, so this works while locked too.
export async function seal(owner, fields) {
  await settle();
  if (mine?.owner !== owner) throw new Error("Only the signed-in account's words are kept.");
  return sealWith(mine, fields);
}

// Open words sealed for an account: only while it is signed in on this device.
export async function open(owner, sealed) {
  const state = await current();
  if (state?.owner !== owner) throw new Error("This device can't open that: sign in first.");
  return openWith(state, sealed);
}

const stale = (state, value) => isSealed(value) && value.kid !== state.keyId;

// Seal anew under the current key whatever of this account is under an older one (a replaced
// key, or the shared key of version 1); then the older key is destroyed.
async function reseal(state) {
  for (const name of ["drafts", "entries"]) {
    for (const record of await idb.all(name)) {
      if (record.owner !== state.owner || !Object.values(record).some((v) => stale(state, v))) {
        continue;
      }
      const next = { ...record };
      try {
        for (const [field, value] of Object.entries(record)) {
          if (stale(state, value)) next[field] = await sealWith(state, await openWith(state, value));
        }
      } catch {
        continue; // a record that no key here opens stays as it is
      }
      const store = await idb.objects(name, "readwrite");
      const now = await idb.done(store.get(record.id));
      // Written meanwhile (a keystroke, a sync): that newer write is already sealed anew.
      if (now && now.savedAt === record.savedAt) await idb.done(store.put(next));
    }
  }
  const left = [...(await idb.all("drafts")), ...(await idb.all("entries"))];
  const under = (test) => left.some((record) => Object.values(record).some(test));
  if (state.previous && !under((v) => v?.kid === state.previous.keyId)) {
    const answer = await call("DELETE", "/api/v1/me/device-key/previous", {
      device: await deviceSecret(),
    }).catch(() => null);
    if (answer?.ok) await keep({ ...state, previous: null });
  }
  if (!under((v) => isSealed(v) && !v.v)) {
    await idb.remove("keys", LEGACY);
  }
}

// Forget what this device keeps for the account: the copy of entries goes, drafts are sealed
// anew under a fresh key, and the old key is destroyed, so no copy taken of it opens again.
export async function renew() {
  const state = await current();
  if (!state) return false;
  for (const record of await idb.all("entries")) {
    if (record.owner === state.owner) await idb.remove("entries", record.id);
  }
  const answer = await call("POST", "/api/v1/me/device-key/replace", {
    device: await deviceSecret(),
  });
  if (!answer.ok) return false;
  const renewed = await keep(await fromServer(state.owner, answer.body));
  channel?.postMessage("renewed");
  await reseal(renewed);
  return true;
}
