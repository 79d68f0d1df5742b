// Progressive enhancement only: every page works without this script.
// Asks before destructive form posts.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => { if (!confirm(form.dataset.confirm)) event.preventDefault(); });
  }
});

// A file picker fills the textarea it names, so CSV files upload through a plain form post.
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[type=file][data-fills]")) {
    input.addEventListener("change", async () => {
      const file = input.files[0];
      if (file) document.getElementById(input.dataset.fills).value = await file.text();
    });
  }
});

// Deal registration: while the customer is typed, ask the server whether registering it now
// would be clear or go to review (never who or what it matched). The server allows each
// partner a limited number of these checks an hour.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("deal-form");
  const preview = document.getElementById("conflict-preview");
  if (!form || !preview) return;
  const fields = ["customer_name", "website", "partner_id"].map((id) => document.getElementById(id));
  let timer;
  const check = async () => {
    const [name, website, partner] = fields.map((f) => (f ? f.value.trim() : ""));
    if (!partner || (!name && !website)) { preview.textContent = ""; return; }
    const query = new URLSearchParams({ customer_name: name, website });
    const response = await fetch(`/api/v1/partners/${encodeURIComponent(partner)}/conflict-check?${query}`, { credentials: "same-origin" });
    if (response.status === 429) {
      preview.textContent = "No more checks this hour; the registration is still checked when you submit it.";
      preview.dataset.verdict = "";
      return;
    }
    if (!response.ok) { preview.textContent = ""; return; }
    const result = await response.json();
    // Partners are told clear or needs review; internal users also see already registered.
    const words = { clear: "Clear: no one else has registered this customer.", needs_review: "Needs review: a partner manager will look at this registration.", already_registered: "Already registered: this customer is taken." };
    preview.textContent = words[result.verdict] || "";
    preview.dataset.verdict = result.verdict;
    for (const finding of result.findings || []) {
      const line = document.createElement("small");
      line.textContent = ` ${finding.explanation}.`;
      preview.append(document.createElement("br"), line);
    }
  };
  for (const field of fields) {
    if (field) field.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, 250); });
    if (field && field.tagName === "SELECT") field.addEventListener("change", check);
  }
  check();
});
