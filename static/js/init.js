// Starts the NHS.UK frontend components (error summary focus, character count, radios...).
import { initAll } from "/assets/nhsuk-frontend.min.js";

initAll();
