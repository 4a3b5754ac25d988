// Initialise all GOV.UK Frontend components on the page.
// Loaded from templates/base.html as <script type="module">, so it only runs
// in browsers that support ES modules (the same check as the
// `govuk-frontend-supported` body class). Kept as an external file so a
// Content Security Policy does not need to allow inline scripts.
// The relative path keeps this working whatever STATIC_URL is.
import { initAll } from '../govuk/govuk-frontend.min.js'

initAll()
