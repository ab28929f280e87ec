// The copy of recent entries this device keeps to read offline: the newest 30 the client wrote
// or opened, sealed like drafts (device.js), so it opens only while its account is signed in
// here. It follows the server: whenever the journal is opened online, what was deleted
// elsewhere leaves the copy and what changed is brought up to date. Clients who turn offline
// reading off keep nothing here but drafts; therapists' devices never keep a copy.

import { call } from "./api.js";
import * as device from "./device.js";
import * as idb from "./idb.js";

export const LIMIT = 30;
const FIELDS = ["id", "kind", "title", "body", "tags", "prompt_id", "created_at", "updated_at"];

async function kept(owner) {
  return (await idb.all("entries")).filter((record) => record.owner === owner);
}

export async function clear(owner) {
  for (const record of await kept(owner)) await idb.remove("entries", record.id);
}

// Keep the newest LIMIT by when they were last written or opened here.
async function trim(owner) {
  const records = (await kept(owner)).sort((a, b) => b.touched - a.touched);
  for (const record of records.slice(LIMIT)) await idb.remove("entries", record.id);
}

// Keep one entry as the server answered it; `opened` marks it read on this device just now.
export async function remember(keys, entry, opened = false) {
  if (!keys?.offlineReading || !entry?.id) return;
  const prior = await idb.read("entries", entry.id);
  const openedAt = opened ? Date.now() : prior?.openedAt || 0;
  const same = prior?.owner === keys.owner && prior.version === entry.version;
  const sealed = same ? prior.sealed : await device.seal(keys.owner, pick(entry));
  const touched = Math.max(Date.parse(entry.updated_at), openedAt);
  await idb.write("entries", {
    id: entry.id,
    owner: keys.owner,
    version: entry.version,
    sealed,
    openedAt,
    touched,
    savedAt: Date.now(),
  });
  await trim(keys.owner);
}

const pick = (entry) => Object.fromEntries(FIELDS.map((name) => [name, entry[name] ?? null]));

// Every kept entry, opened, newest first (with its version, for edits made offline).
export async function entries(keys) {
  const found = [];
  for (const record of await kept(keys.owner)) {
    const fields = await device.open(keys.owner, record.sealed).catch(() => null);
    if (fields) found.push({ ...fields, version: record.version });
  }
  return found.sort((a, b) => b.created_at.localeCompare(a.created_at));
}

async function fetchEntry(id) {
  return call("GET", `/api/v1/entries/${encodeURIComponent(id)}`);
}

// Bring the copy up to date with the server; false when that could not be done now.
export async function refresh(keys) {
  if (!keys) return false;
  if (!keys.offlineReading) {
    await clear(keys.owner);
    return true;
  }
  try {
    const newest = await call("GET", `/api/v1/entries?limit=${LIMIT}`);
    if (newest.status === 401) await device.lock();
    if (!newest.ok) return false;
    const listed = new Set();
    for (const entry of newest.body.items) {
      listed.add(entry.id);
      await remember(keys, entry);
    }
    for (const record of await kept(keys.owner)) {
      if (listed.has(record.id)) continue;
      const one = await fetchEntry(record.id); // opened here, older than the newest page
      if (one.status === 404) await idb.remove("entries", record.id);
      else if (one.ok) await remember(keys, one.body);
    }
  } catch {
    return false; // the network went away meanwhile: try again next time
  }
  await device.alive();
  await device.note({ syncedAt: Date.now() });
  return true;
}

// On the journal home, refresh the copy; on an entry's page, keep that entry too.
async function start(marker) {
  const keys = await device.current();
  if (!keys || !navigator.onLine) return;
  const opened = marker.dataset.keepCopy;
  if (opened) {
    const one = await fetchEntry(opened).catch(() => null);
    if (one?.ok) await remember(keys, one.body, true);
    else if (one?.status === 404) await idb.remove("entries", opened);
  } else {
    await refresh(keys);
  }
}

const marker = document.querySelector("[data-keep-copy]");
if (marker && device.pageOwner()) start(marker);
