// Sealing words to an account's key pair for this device (ECIES): a fresh ephemeral P-256 key,
// ECDH with the account's public half, HKDF-SHA-256, then AES-256-GCM bound to the account id.
// Sealing needs only the public half; opening needs the private one (see device.js).

import * as idb from "./idb.js";

export const ECDH = { name: "ECDH", namedCurve: "P-256" };
const INFO = new TextEncoder().encode("alliance-journal device seal v2");
export const LEGACY = "drafts"; // before version 2 one key sealed every account's drafts

export const isSealed = (value) =>
  value && typeof value === "object" && "data" in value && "iv" in value;

const additional = (owner) => new TextEncoder().encode(`alliance-journal|${owner}`);

async function aesKey(privateKey, publicKey, salt) {
  const bits = await crypto.subtle.deriveBits({ name: "ECDH", public: publicKey }, privateKey, 256);
  const hkdf = await crypto.subtle.importKey("raw", bits, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt, info: INFO },
    hkdf,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export async function sealWith(state, fields) {
  const ephemeral = await crypto.subtle.generateKey(ECDH, false, ["deriveBits"]);
  const epk = await crypto.subtle.exportKey("raw", ephemeral.publicKey);
  const key = await aesKey(ephemeral.privateKey, state.publicKey, epk);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(fields));
  const algorithm = { name: "AES-GCM", iv, additionalData: additional(state.owner) };
  const data = await crypto.subtle.encrypt(algorithm, key, plain);
  return { v: 2, kid: state.keyId, epk, iv, data };
}

export async function openWith(state, sealed) {
  if (!sealed.v) {
    // Sealed before version 2: only its own account, signed in, gets it moved to its key.
    const legacy = await idb.read("keys", LEGACY);
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: sealed.iv }, legacy, sealed.data);
    return JSON.parse(new TextDecoder().decode(plain));
  }
  const pair = [state, state.previous].find((k) => k && k.keyId === sealed.kid);
  if (!pair?.privateKey) throw new Error("This device can't open that: sign in first.");
  const epk = await crypto.subtle.importKey("raw", sealed.epk, ECDH, false, []);
  const key = await aesKey(pair.privateKey, epk, sealed.epk);
  const algorithm = { name: "AES-GCM", iv: sealed.iv, additionalData: additional(state.owner) };
  const plain = await crypto.subtle.decrypt(algorithm, key, sealed.data);
  return JSON.parse(new TextDecoder().decode(plain));
}

