// Drafts kept on this device: IndexedDB, sealed to the writing account's key for this device
// (device.js), so they open only while that account is signed in here. Each draft belongs to
// one account and one entry id (made here, so a resend never duplicates). Nothing in this
// module talks to the server.

import * as device from "./device.js";
import { done, objects } from "./idb.js";

const memory = new Map(); // only when IndexedDB is unavailable (some private modes)

export const seal = (owner, fields) => device.seal(owner, fields);
export const unseal = (owner, sealed) => device.open(owner, sealed);

export async function get(id) {
  const drafts = await objects("drafts");
  return drafts ? (await done(drafts.get(id))) || null : memory.get(id) || null;
}

export async function mine(owner) {
  const drafts = await objects("drafts");
  const list = drafts ? await done(drafts.getAll()) : [...memory.values()];
  return list.filter((d) => d.owner === owner).sort((a, b) => a.savedAt - b.savedAt);
}

// Read and rewrite one draft in a single transaction, so two writers never interleave.
// `change(draft or null)` returns the new draft, or null to delete it.
export async function update(id, change) {
  const drafts = await objects("drafts", "readwrite");
  if (!drafts) {
    const next = change(memory.get(id) || null);
    if (next) memory.set(id, next);
    else memory.delete(id);
    return next;
  }
  return new Promise((resolve, reject) => {
    const read = drafts.get(id);
    read.onsuccess = () => {
      const next = change(read.result || null);
      const write = next ? drafts.put(next) : drafts.delete(id);
      write.onsuccess = () => resolve(next);
      write.onerror = () => reject(write.error);
    };
    read.onerror = () => reject(read.error);
  });
}

// Keep the newest text of an entry; how to send it (create, or edit of a version) stays.
export async function save(id, owner, fields, how) {
  const sealed = await seal(owner, fields);
  return update(id, (previous) => ({
    id,
    owner,
    mode: previous ? previous.mode : how.mode,
    baseVersion: previous ? previous.baseVersion : how.baseVersion,
    state: previous && previous.state === "conflict" ? "conflict" : "pending",
    current: previous ? previous.current : null,
    problem: null,
    sealed,
    savedAt: Date.now(),
  }));
}

export async function forget(id) {
  return update(id, () => null);
}
