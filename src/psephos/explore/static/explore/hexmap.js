// Hex maps (psephos.explore.hexmap): show the result of the hex under the pointer or the
// keyboard focus in the map's readout line. Each hex's link already carries that text as its
// accessible name and tooltip; this is for sighted keyboard users, who get no tooltip.
for (const figure of document.querySelectorAll(".hexmap-figure")) {
  const readout = figure.querySelector(".hexmap-readout");
  if (!readout) continue;
  const show = (event) => {
    const hex = event.target.closest("a.hex");
    if (hex) readout.textContent = hex.getAttribute("aria-label");
  };
  figure.addEventListener("focusin", show);
  figure.addEventListener("mouseover", show);
}
