// GOV.UK Frontend's components (the menu toggle on a phone, error summaries): started once the
// page has loaded. A page works without it; this only adds what the components do with script.
import { initAll } from "/static/build/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
