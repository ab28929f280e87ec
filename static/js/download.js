// A form whose answer is a file: the page itself stays, so once it is sent, clear the last
// try's problems and say that the download has begun (the server answers a wrong password with
// this page again, its problems shown anew).
for (const form of document.querySelectorAll("form[data-download]")) {
  form.addEventListener("submit", () => {
    for (const old of document.querySelectorAll("[data-error-summary], .field-error")) old.remove();
    for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
    for (const box of form.querySelectorAll(".has-error")) box.classList.remove("has-error");
    const status = document.querySelector("[data-download-status]");
    if (status) status.textContent = "Your download is starting. Keep the file somewhere safe.";
  });
}
