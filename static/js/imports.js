// Bringing entries in can take a minute: once the form is sent, say so, and don't let a second
// tap send the file twice. (Without this script the browser's own loading shows instead.)
for (const form of document.querySelectorAll("form[data-import]")) {
  form.addEventListener("submit", () => {
    const status = form.querySelector("[data-import-status]");
    if (status) status.textContent = "Bringing in your entries. This can take a minute: please keep this page open.";
    const button = form.querySelector("button[type=submit]");
    if (button) {
      setTimeout(() => { button.disabled = true; }, 0); // after the browser has read the form
      button.setAttribute("aria-busy", "true");
    }
  });
}
