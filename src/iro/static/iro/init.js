// Start every GOV.UK Frontend component on the page (menu toggle, error summary focus,
// password reveal, skip link).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
