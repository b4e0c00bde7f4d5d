// The confirm page's sealing in the voter's browser (docs/verifiability.md, section 10).
//
// The page carries what the voter already holds (their secret, the ranking as slots on the
// paper) and the public election key, as data-* attributes of [data-ballot-sealing]. The
// script derives the voter's credential, seals the ranking with fresh randomness, and on
// "Cast my vote" signs that sealed ballot and puts it, the public credential and the
// signature in the form's hidden fields; the server checks them and stores exactly that.
//
// Before casting, the voter may check the sealing: Benaloh's cast-or-challenge (Benaloh,
// "Simple verifiable elections", EVT 2006). The current sealed ballot is opened (its
// randomness revealed), checked here and by the server, offered as a file, then thrown
// away; a fresh one is sealed. An opened ballot is never cast.
//
// Without this script (or if anything here fails) the form posts no sealed ballot and the
// server seals and signs it itself.
import {
  canonicalSecret, checkOpening, encryptRanking, fromHex, privateCredential, publicCredential,
  proveRandomness, signBallot, toHex,
} from "./vendor/ballot-crypto.js";

/** The sealing inputs of the page, read from the section's data-* attributes. */
function readSealing(section) {
  const data = section.dataset;
  const slots = data.slots ? data.slots.split(",").map(Number) : [];
  const names = [...document.querySelectorAll("ol.ranking li[data-name]")].map(
    (item) => ({ rank: item.dataset.rank, name: item.dataset.name }));
  if (names.length !== slots.length) throw new Error("the ranking on the page is not the sealed one");
  return {
    contest: data.contest,
    key: fromHex(data.key),
    width: Number(data.width),
    postalIterations: Number(data.postalIterations),
    slots,
    names,
    secret: data.secret,
    checkUrl: data.checkUrl,
  };
}

/** "link" if the secret reads as a link token (as the server reads it), else "postal". */
function kindOf(secret) {
  try {
    canonicalSecret("link", secret);
    return "link";
  } catch {
    return "postal";
  }
}

/** The ranking in words: "1st Alice, 2nd Bob". */
function inWords(ranked) {
  return ranked.map(({ rank, name }) => `${rank} ${name}`).join(", ");
}

function sameNames(names, ranked) {
  return Array.isArray(names) && names.length === ranked.length
    && names.every((name, i) => name === ranked[i].name);
}

/** The server's check of an opened ballot: {matches, ranking} or an Error. */
async function askServer(url, opened) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ sealed: opened.sealed, slots: opened.slots, scalars: opened.scalars }),
    credentials: "omit",
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.message || `the server answered ${response.status}`);
  return answer;
}

function item(list, text, ok) {
  const entry = document.createElement("li");
  entry.className = ok ? "check-ok" : "check-failed";
  entry.textContent = text;
  list.append(entry);
}

function start(section) {
  const sealing = readSealing(section);
  const form = document.getElementById("cast-form");
  const fields = {
    sealed: document.getElementById("browser-sealed"),
    credential: document.getElementById("browser-credential"),
    signature: document.getElementById("browser-signature"),
    proof: document.getElementById("browser-proof"),
  };
  const button = document.getElementById("check-sealing");
  const status = document.getElementById("sealing-status");
  const result = document.getElementById("sealing-result");
  const resultTitle = document.getElementById("sealing-result-title");
  const confirmations = document.getElementById("sealing-confirmations");
  const next = document.getElementById("sealing-next");
  const download = document.getElementById("sealing-download");
  const kind = kindOf(sealing.secret);
  const seal = () => encryptRanking(sealing.key, sealing.slots, sealing.width);

  let privateKey = null;
  const credential = () => {
    privateKey ??= privateCredential(kind, sealing.secret, sealing.contest,
      sealing.postalIterations);
    return privateKey;
  };
  let current = seal();
  let checking = false;
  let downloadUrl = null;

  form.addEventListener("submit", (event) => {
    for (const field of Object.values(fields)) field.value = "";
    if (event.submitter?.value !== "cast") return;
    if (checking) {  // the ballot to cast is sealed once the check ends
      event.preventDefault();
      status.textContent = "Please wait: the check of the sealing is still running.";
      return;
    }
    try {
      const x = credential();
      const publicCred = publicCredential(x);
      fields.sealed.value = toHex(current.sealed);
      fields.credential.value = toHex(publicCred);
      fields.signature.value = toHex(signBallot(x, sealing.contest, current.sealed));
      fields.proof.value = toHex(proveRandomness(sealing.contest, publicCred, current.sealed,
        current.scalars));
    } catch {
      for (const field of Object.values(fields)) field.value = "";  // the server seals
    }
  });

  button.addEventListener("click", async () => {
    if (checking) return;
    checking = true;
    button.setAttribute("aria-disabled", "true");
    const opened = current;
    current = null;
    const file = {
      contest: sealing.contest,
      election_key: toHex(sealing.key),
      width: sealing.width,
      sealed: toHex(opened.sealed),
      slots: sealing.slots,
      scalars: opened.scalars.map(toHex),
      ranking: sealing.names.map(({ name }) => name),
    };
    status.textContent = "Checking the sealing of this ballot…";
    result.hidden = true;
    confirmations.replaceChildren();

    const inBrowser = checkOpening(sealing.key, opened.sealed, sealing.slots, sealing.width,
      opened.scalars);
    let byServer;
    try {
      const answer = await askServer(sealing.checkUrl, file);
      byServer = { ok: answer.matches === true && sameNames(answer.ranking, sealing.names),
        names: answer.ranking };
    } catch (error) {
      byServer = { ok: false, error: error.message };
    }
    current = seal();  // the opened ballot is spent: a fresh one for casting

    const words = inWords(sealing.names);
    item(confirmations, inBrowser ? `Your browser confirms that this sealed ballot holds: ${words}.`
      : "Your browser could NOT confirm that this sealed ballot holds your ranking.", inBrowser);
    if (byServer.error) {
      item(confirmations, `The server could not check it: ${byServer.error}.`, false);
    } else if (byServer.ok) {
      item(confirmations, `The server confirms that this sealed ballot holds: ${words}.`, true);
    } else {
      const read = Array.isArray(byServer.names) ? ` (it reads: ${byServer.names.join(", ")})` : "";
      item(confirmations, `The server could NOT confirm that this sealed ballot holds your ranking${read}.`,
        false);
    }
    status.textContent = inBrowser && byServer.ok
      ? `Your browser and the server both confirm that this sealed ballot holds: ${words}.`
      : "The check failed: this sealed ballot may not hold your ranking. Do not cast your vote "
        + "from this device; tell the returning officer.";
    next.textContent = "The checked ballot has been thrown away and can never be cast. Your "
      + "ranking has been sealed again with fresh randomness: cast your vote, or check again.";
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    downloadUrl = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2) + "\n"],
      { type: "application/json" }));
    download.href = downloadUrl;
    result.hidden = false;
    resultTitle.focus();
    button.removeAttribute("aria-disabled");
    checking = false;
  });

  section.hidden = false;
  // The credential costs the contest's postal iterations: derive it before "Cast my vote".
  setTimeout(() => {
    try {
      credential();
    } catch {
      // signing will fail on submit too, and the server seal instead
    }
  }, 0);
}

const section = document.querySelector("[data-ballot-sealing]");
if (section) {
  try {
    start(section);
  } catch {
    section.hidden = true;  // nothing sealed here: the server seals
  }
}
