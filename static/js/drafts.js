// Drafts kept on this device: IndexedDB, sealed with a non-extractable AES-GCM key.
// Each draft belongs to one signed-in user and one entry id (made here, so a resend never
// duplicates). Nothing in this module talks to the server.

const DB_NAME = "alliance-journal";
let opening = null;
const memory = new Map(); // only when IndexedDB is unavailable (some private modes)

function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function database() {
  opening ||= new Promise((resolve) => {
    try {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore("drafts", { keyPath: "id" });
        req.result.createObjectStore("keys");
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
  return opening;
}

async function objects(name, mode = "readonly") {
  const db = await database();
  return db && db.transaction(name, mode).objectStore(name);
}

async function sealingKey() {
  const existing = await objects("keys").then((keys) => keys && done(keys.get("drafts")));
  if (existing) return existing;
  // Non-extractable: scripts may use the key but can never read its bytes.
  const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, [
    "encrypt",
    "decrypt",
  ]);
  const keys = await objects("keys", "readwrite");
  if (keys) await done(keys.add(key, "drafts")).catch(() => null);
  return (await objects("keys").then((k) => k && done(k.get("drafts")))) || key;
}

export async function seal(fields) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = new TextEncoder().encode(JSON.stringify(fields));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await sealingKey(), data);
  return { iv, data: sealed };
}

export async function unseal(sealed) {
  const key = await sealingKey();
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: sealed.iv }, key, sealed.data);
  return JSON.parse(new TextDecoder().decode(plain));
}

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
  const sealed = await seal(fields);
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
