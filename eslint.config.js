// eslint's flat config (`make lint`): the recommended rules for the page's script (geo/static/js/, ES modules
// run in the browser beside Leaflet's global L) and for its unit tests (tests/js/, run by node --test).
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["geo/static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2017,  // geo.assets.ESBUILD_TARGET: the oldest browsers the maps open in
      sourceType: "module",
      globals: { ...globals.browser, L: "readonly" },
    },
  },
  {
    files: ["tests/js/**/*.{js,mjs}"],
    languageOptions: { ecmaVersion: "latest", sourceType: "module", globals: { ...globals.node } },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "module", globals: { ...globals.node } },
  },
];
