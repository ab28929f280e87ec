// The one IndexedDB database this app keeps on a device. Every store holds only sealed words,
// opaque ids and keys: see device.js for who can open what, and when.

const DB_NAME = "alliance-journal";
const VERSION = 2;
let opening = null;

export function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function upgrade(db) {
  const names = db.objectStoreNames;
  if (!names.contains("drafts")) db.createObjectStore("drafts", { keyPath: "id" });
  if (!names.contains("keys")) db.createObjectStore("keys");
  // Version 2: the copy of recent entries kept to read offline.
  if (!names.contains("entries")) db.createObjectStore("entries", { keyPath: "id" });
}

export function database() {
  opening ||= new Promise((resolve) => {
    try {
      const req = indexedDB.open(DB_NAME, VERSION);
      req.onupgradeneeded = () => upgrade(req.result);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
  return opening;
}

export async function objects(name, mode = "readonly") {
  const db = await database();
  return db && db.transaction(name, mode).objectStore(name);
}

export async function read(name, key) {
  const store = await objects(name);
  return store ? (await done(store.get(key))) ?? null : null;
}

export async function all(name) {
  const store = await objects(name);
  return store ? done(store.getAll()) : [];
}

export async function write(name, value, key) {
  const store = await objects(name, "readwrite");
  if (store) await done(key === undefined ? store.put(value) : store.put(value, key));
}

export async function remove(name, key) {
  const store = await objects(name, "readwrite");
  if (store) await done(store.delete(key));
}
