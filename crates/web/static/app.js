// Progressive enhancement only: every page works without this script.
// Shows times in the user's time zone and asks before destructive form posts.
document.addEventListener("DOMContentLoaded", () => {
  const zone = document.body.dataset.tz || undefined;
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: zone, timeZoneName: "short" });
  for (const el of document.querySelectorAll("time[datetime]")) {
    const when = new Date(el.getAttribute("datetime"));
    if (!isNaN(when)) { el.title = el.textContent; el.textContent = format.format(when); }
  }
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => { if (!confirm(form.dataset.confirm)) event.preventDefault(); });
  }
});
