// Un-hide the copy buttons and wire the theme picker; the pages work without this file.
document.querySelectorAll(".code-frame__copy").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => {
    const code = button.closest(".code-frame").querySelector("code");
    navigator.clipboard.writeText(code.innerText).then(() => { button.textContent = "Copied"; });
  });
});
const picker = document.querySelector("[data-theme-picker]");
if (picker) {
  picker.addEventListener("change", () => {
    document.documentElement.className = picker.value ? `theme-${picker.value}` : "";
  });
}
