// The patient share: the page sends a box whose value is what it shows, so without JavaScript
// the share on screen is always the one that will be sent. Here it becomes a slider with a
// readout that follows it. (Runs before whatif.js, which sends the slider's value as it moves.)
const box = document.getElementById("share");
const output = document.getElementById("share-output");

if (box && output) {
  const suffix = box.closest(".nhsuk-input-wrapper")?.querySelector(".nhsuk-input__suffix");
  box.type = "range";
  box.min = "0";
  box.max = "100";
  box.step = "1";
  box.removeAttribute("inputmode");
  box.className = "app-range";
  if (suffix) suffix.hidden = true;
  const show = () => { output.textContent = `${box.value}%`; };
  show();
  output.hidden = false;
  box.addEventListener("input", show);
}
