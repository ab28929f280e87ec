// The print page's button: the browser's own print dialog, which also saves as PDF.
const button = document.querySelector("[data-print]");
if (button) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
