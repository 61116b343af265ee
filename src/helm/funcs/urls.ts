/**
 * sprig v3.3.0's urlParse and urlJoin (url.go) over Go's net/url (./go/url.ts). Their failures
 * are panics, which text/template reports as `error calling urlParse: <panic value>`.
 */
import { GoMap, type GoValue, goKindName } from "../template/value.js";
import { type FuncTable, goFunc } from "./define.js";
import { nilDereference } from "./go/panic.js";
import {
  emptyUrl,
  fromBytes,
  hostname,
  parseUrl,
  toBytes,
  UrlError,
  urlString,
  userinfoString,
} from "./go/url.js";
import { GoFuncError } from "./types.js";

function urlParse(v: string): GoMap {
  let u: ReturnType<typeof parseUrl>;
  try {
    u = parseUrl(toBytes(v));
  } catch (e) {
    if (e instanceof UrlError) throw new GoFuncError(`unable to parse url: ${e.message}`);
    throw e;
  }
  return new GoMap([
    ["fragment", fromBytes(u.fragment)],
    ["host", fromBytes(u.host)],
    ["hostname", fromBytes(hostname(u))],
    ["opaque", fromBytes(u.opaque)],
    ["path", fromBytes(u.path)],
    ["query", fromBytes(u.rawQuery)],
    ["scheme", fromBytes(u.scheme)],
    ["userinfo", fromBytes(userinfoString(u.user))],
  ]);
}

/** dictGetOrEmpty: a string entry as bytes, "" when absent; anything but a string panics. */
function entry(d: GoMap | null, key: string): string {
  if (d === null || !d.has(key)) return "";
  const value: GoValue = d.get(key);
  if (value === null || value === undefined) throw nilDereference();
  if (typeof value !== "string") {
    throw new GoFuncError(
      `unable to parse ${key} key, must be of type string, but ${goKindName(value)} found`,
    );
  }
  return toBytes(value);
}

function urlJoin(d: GoMap | null): string {
  const u = emptyUrl();
  u.scheme = entry(d, "scheme");
  u.host = entry(d, "host");
  u.path = entry(d, "path");
  u.rawQuery = entry(d, "query");
  u.opaque = entry(d, "opaque");
  u.fragment = entry(d, "fragment");
  const userinfo = entry(d, "userinfo");
  if (userinfo !== "") {
    try {
      u.user = parseUrl(`proto://${userinfo}@host`).user;
    } catch (e) {
      if (e instanceof UrlError) throw new GoFuncError(`unable to parse userinfo in dict: ${e.message}`);
      throw e;
    }
  }
  return fromBytes(urlString(u));
}

export const urlFuncs: FuncTable = {
  urlParse: goFunc("func(v string) map[string]interface {}", urlParse),
  urlJoin: goFunc("func(d map[string]interface {}) string", urlJoin),
};
