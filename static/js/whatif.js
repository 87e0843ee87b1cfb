// What-if weights: show the result as the weights or the patient share change, without a page load.
// Without JavaScript the same form posts back and the page shows the result; this only enhances it.
const form = document.getElementById("whatif-form");

if (form && window.fetch) {
  const url = form.dataset.jsonUrl;
  const token = form.querySelector("input[name='csrf_token']");
  const inputs = Array.from(form.querySelectorAll("input.app-weight"));
  const slider = document.getElementById("share");
  const output = document.getElementById("share-output");
  const total = document.getElementById("weights-total");
  const result = document.getElementById("whatif-result");
  const announce = document.getElementById("whatif-announce");
  let timer = null;
  let pending = null;
  // The slider rescales the weights the lead last typed, not its own last result, so the
  // proportions within each group survive a trip to 0% or 100% and back.
  let base = null;

  const number = (text) => Number(String(text).trim().replace(/%$/, ""));

  function showTotal() {
    const sum = inputs.reduce((acc, input) => acc + (number(input.value) || 0), 0);
    total.textContent = String(Math.round(sum * 1e6) / 1e6);
  }

  function setError(input, message) {
    const group = input.closest(".nhsuk-form-group");
    let error = group.querySelector(".app-live-error");
    if (!message) {
      if (error) error.remove();
      group.classList.remove("nhsuk-form-group--error");
      input.removeAttribute("aria-invalid");
      return;
    }
    if (!error) {
      error = document.createElement("p");
      error.className = "nhsuk-error-message app-live-error";
      error.id = `${input.id}-live-error`;
      input.closest(".nhsuk-input-wrapper, .nhsuk-form-group").before(error);
      input.setAttribute("aria-describedby", error.id);
    }
    error.textContent = message;
    group.classList.add("nhsuk-form-group--error");
    input.setAttribute("aria-invalid", "true");
  }

  async function update(withShare) {
    const weights = {};
    inputs.forEach((input) => { weights[input.dataset.code] = input.value; });
    if (withShare) {
      if (!base) base = weights;
      Object.assign(weights, base);
    }
    const body = { weights, share: withShare && slider ? Number(slider.value) : null };
    if (pending) pending.abort();
    pending = new AbortController();
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
        body: JSON.stringify(body),
        credentials: "same-origin",
        signal: pending.signal,
      });
    } catch (error) {
      if (error.name !== "AbortError") announce.textContent = "The result could not be updated. Use the button to show it.";
      return;
    }
    const data = await response.json().catch(() => null);
    inputs.forEach((input) => setError(input, null));
    if (!response.ok || !data) {
      const errors = (data && data.errors) || [{ field: "", message: "The result could not be updated." }];
      errors.forEach((error) => {
        const input = document.getElementById(error.field);
        if (input && input.classList.contains("app-weight")) setError(input, error.message);
      });
      announce.textContent = errors.map((error) => error.message).join(" ");
      return;
    }
    if (withShare) {
      inputs.forEach((input) => {
        if (data.fields[input.id] !== undefined) input.value = data.fields[input.id];
      });
      showTotal();
    } else if (slider) {
      slider.value = String(Math.round(100 * data.share));
      output.textContent = `${slider.value}%`;
    }
    result.innerHTML = data.html;
    announce.textContent = data.announcement;
  }

  function later(withShare) {
    clearTimeout(timer);
    timer = setTimeout(() => update(withShare), 250);
  }

  inputs.forEach((input) => input.addEventListener("input", () => {
    base = null;
    showTotal();
    later(false);
  }));
  if (slider) {
    slider.addEventListener("input", () => {
      output.textContent = `${slider.value}%`;
      later(true);
    });
  }
}
