/**
 * The built front end (web/ bundled by `npm run build` into dist/web): one script and one
 * style sheet, read once. Both `slipway serve` (as files under /assets/) and the static report
 * (inlined) use them.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SlipwayError } from "../errors.js";

export interface WebAssets {
  js: string;
  css: string;
}

let loaded: WebAssets | undefined;

export function webAssets(): WebAssets {
  if (loaded) return loaded;
  // dist/report/*.js and dist/bundle/*.js both sit beside dist/web; tests run src/ against dist/web.
  const candidates = ["../web/", "../../dist/web/"].map((rel) =>
    fileURLToPath(new URL(rel, import.meta.url)),
  );
  const dir = candidates.find((d) => existsSync(`${d}app.js`) && existsSync(`${d}app.css`));
  if (!dir) {
    throw new SlipwayError(
      `the dashboard's front end is not built (looked in ${candidates.join(", ")}): run 'npm run build'`,
    );
  }
  loaded = { js: readFileSync(`${dir}app.js`, "utf8"), css: readFileSync(`${dir}app.css`, "utf8") };
  return loaded;
}
