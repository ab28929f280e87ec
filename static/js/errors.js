// A form that failed: move focus to its summary of problems, so a screen reader hears it and a
// keyboard starts there; each link in it goes to its field (or the first input of that name).
export function focusErrors(root = document) {
  const summary = root.querySelector("[data-error-summary]");
  if (!summary) return;
  for (const link of summary.querySelectorAll("a[data-field]")) {
    const name = link.dataset.field;
    const target = document.getElementById(name) || document.querySelector(`[name="${CSS.escape(name)}"]`);
    if (!target) {
      link.replaceWith(document.createTextNode(link.textContent)); // a field no one can type in
      continue;
    }
    link.addEventListener("click", (event) => {
      event.preventDefault();
      target.focus();
      target.scrollIntoView({ block: "center" });
    });
  }
  // In the order the fields stand on the page, as a person reads down it.
  const list = summary.querySelector("ul");
  const place = (item) => {
    const link = item.querySelector("a[data-field]");
    return link && (document.getElementById(link.dataset.field) || document.querySelector(`[name="${CSS.escape(link.dataset.field)}"]`));
  };
  const items = list ? [...list.children] : [];
  items
    .sort((a, b) => {
      const [x, y] = [place(a), place(b)];
      if (!x || !y) return 0;
      return x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    })
    .forEach((item) => list.append(item));
  summary.focus();
}

focusErrors();
