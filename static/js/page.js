// On every page: decide whose key this device may hold now (device.js). A page the server
// renders for no one, or for a therapist, takes every client's key off this device; so does
// signing out, before the request leaves.
import { lock, settle } from "./device.js";

settle();

const signOut = document.querySelector("form[data-sign-out]");
signOut?.addEventListener("submit", (event) => {
  if (signOut.dataset.locked) return;
  event.preventDefault();
  settle()
    .then(lock)
    .finally(() => {
      signOut.dataset.locked = "yes";
      signOut.requestSubmit();
    });
});
