/**
 * The part of Go's net/url (Go 1.25) that sprig's urlParse and urlJoin use: Parse, the URL's
 * String, Hostname and Userinfo's String, with Go's error texts.
 *
 * Go works on the bytes of a string: here every string is turned into a "byte string" (one
 * JavaScript character per UTF-8 byte, 0–255) on the way in and decoded back on the way out,
 * so escaping sees bytes exactly as Go does (a non-ASCII character is escaped byte by byte).
 */
import { utf8Decode, utf8Encode } from "../../template/gostring.js";
import { quote } from "../../template/quote.js";

/** A string as its UTF-8 bytes, one character per byte. */
export function toBytes(s: string): string {
  return Buffer.from(utf8Encode(s)).toString("latin1");
}

/** A byte string back to a Go string (invalid UTF-8 kept as Slipway's escaped bytes). */
export function fromBytes(b: string): string {
  return utf8Decode(Buffer.from(b, "latin1"));
}

/** net/url's errors; `message` is Go's Error() text. */
export class UrlError extends Error {}

enum Mode {
  Path = 1,
  PathSegment,
  Host,
  Zone,
  UserPassword,
  QueryComponent,
  Fragment,
}

const UPPERHEX = "0123456789ABCDEF";

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return 0;
}

function isAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

/** shouldEscape: must byte `c` be %-escaped in this part of a URL? */
function shouldEscape(c: number, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  const ch = String.fromCharCode(c);
  if ((mode === Mode.Host || mode === Mode.Zone) && `!$&'()*+,;=:[]<>"`.includes(ch)) return false;
  if ("-_.~".includes(ch)) return false;
  if ("$&+,/:;=?@".includes(ch)) {
    switch (mode) {
      case Mode.Path:
        return ch === "?";
      case Mode.PathSegment:
        return ch === "/" || ch === ";" || ch === "," || ch === "?";
      case Mode.UserPassword:
        return ch === "@" || ch === "/" || ch === "?" || ch === ":";
      case Mode.QueryComponent:
        return true;
      case Mode.Fragment:
        return false;
    }
  }
  if (mode === Mode.Fragment && "!()*".includes(ch)) return false;
  return true;
}

function escapeError(b: string): UrlError {
  return new UrlError(`invalid URL escape ${quote(fromBytes(b))}`);
}

/** Go's unescape, on a byte string; throws UrlError. */
function urlUnescape(s: string, mode: Mode): string {
  let n = 0;
  let hasPlus = false;
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      n++;
      if (i + 2 >= s.length || !isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) {
        throw escapeError(s.slice(i, i + 3));
      }
      const seq = s.slice(i, i + 3);
      if (mode === Mode.Host && unhex(s.charCodeAt(i + 1)) < 8 && seq !== "%25") throw escapeError(seq);
      if (mode === Mode.Zone) {
        const v = (unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2));
        if (seq !== "%25" && v !== 0x20 && shouldEscape(v, Mode.Host)) throw escapeError(seq);
      }
      i += 3;
    } else if (c === 0x2b) {
      hasPlus = mode === Mode.QueryComponent;
      i++;
    } else {
      if ((mode === Mode.Host || mode === Mode.Zone) && c < 0x80 && shouldEscape(c, mode)) {
        throw new UrlError(`invalid character ${quote(s[i] as string)} in host name`);
      }
      i++;
    }
  }
  if (n === 0 && !hasPlus) return s;
  let t = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      t += String.fromCharCode((unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2)));
      i += 2;
    } else if (c === 0x2b) t += mode === Mode.QueryComponent ? " " : "+";
    else t += s[i];
  }
  return t;
}

/** Go's escape, on a byte string. */
function urlEscape(s: string, mode: Mode): string {
  let t = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20 && mode === Mode.QueryComponent) t += "+";
    else if (shouldEscape(c, mode)) t += `%${UPPERHEX[c >> 4]}${UPPERHEX[c & 15]}`;
    else t += s[i];
  }
  return t;
}

export interface Userinfo {
  username: string;
  password: string;
  passwordSet: boolean;
}

/** A parsed URL; every field is a byte string. */
export interface Url {
  scheme: string;
  opaque: string;
  user: Userinfo | null;
  host: string;
  path: string;
  rawPath: string;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
  rawFragment: string;
}

export function emptyUrl(): Url {
  return {
    scheme: "",
    opaque: "",
    user: null,
    host: "",
    path: "",
    rawPath: "",
    forceQuery: false,
    rawQuery: "",
    fragment: "",
    rawFragment: "",
  };
}

/** Userinfo.String */
export function userinfoString(u: Userinfo | null): string {
  if (u === null) return "";
  let s = urlEscape(u.username, Mode.UserPassword);
  if (u.passwordSet) s += `:${urlEscape(u.password, Mode.UserPassword)}`;
  return s;
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) continue;
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      if (i === 0) return ["", raw];
      continue;
    }
    if (c === 0x3a) {
      if (i === 0) throw new UrlError("missing protocol scheme");
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ["", raw];
  }
  return ["", raw];
}

function validOptionalPort(port: string): boolean {
  if (port === "") return true;
  if (port[0] !== ":") return false;
  for (let i = 1; i < port.length; i++) {
    const c = port.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function parseHost(host: string): string {
  if (host.startsWith("[")) {
    const i = host.lastIndexOf("]");
    if (i < 0) throw new UrlError("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) {
      throw new UrlError(`invalid port ${quote(fromBytes(colonPort))} after host`);
    }
    const zone = host.slice(0, i).indexOf("%25");
    if (zone >= 0) {
      return (
        urlUnescape(host.slice(0, zone), Mode.Host) +
        urlUnescape(host.slice(zone, i), Mode.Zone) +
        urlUnescape(host.slice(i), Mode.Host)
      );
    }
  } else {
    const i = host.lastIndexOf(":");
    if (i !== -1) {
      const colonPort = host.slice(i);
      if (!validOptionalPort(colonPort)) {
        throw new UrlError(`invalid port ${quote(fromBytes(colonPort))} after host`);
      }
    }
  }
  return urlUnescape(host, Mode.Host);
}

function validUserinfo(s: string): boolean {
  for (const ch of fromBytes(s)) {
    if (isAlnum(ch.charCodeAt(0)) && ch.length === 1) continue;
    if ("-._:~!$&'()*+,;=%@".includes(ch)) continue;
    return false;
  }
  return true;
}

function parseAuthority(authority: string): [Userinfo | null, string] {
  const i = authority.lastIndexOf("@");
  const host = parseHost(i < 0 ? authority : authority.slice(i + 1));
  if (i < 0) return [null, host];
  const userinfo = authority.slice(0, i);
  if (!validUserinfo(userinfo)) throw new UrlError("net/url: invalid userinfo");
  const colon = userinfo.indexOf(":");
  if (colon < 0) {
    return [{ username: urlUnescape(userinfo, Mode.UserPassword), password: "", passwordSet: false }, host];
  }
  const username = urlUnescape(userinfo.slice(0, colon), Mode.UserPassword);
  const password = urlUnescape(userinfo.slice(colon + 1), Mode.UserPassword);
  return [{ username, password, passwordSet: true }, host];
}

function setPath(u: Url, p: string): void {
  const path = urlUnescape(p, Mode.Path);
  u.path = path;
  u.rawPath = urlEscape(path, Mode.Path) === p ? "" : p;
}

function setFragment(u: Url, f: string): void {
  const frag = urlUnescape(f, Mode.Fragment);
  u.fragment = frag;
  u.rawFragment = urlEscape(frag, Mode.Fragment) === f ? "" : f;
}

function countByte(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

function parseReference(raw: string): Url {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) throw new UrlError("net/url: invalid control character in URL");
  }
  const url = emptyUrl();
  if (raw === "*") {
    url.path = "*";
    return url;
  }
  let rest: string;
  [url.scheme, rest] = getScheme(raw);
  url.scheme = url.scheme.toLowerCase();
  if (rest.endsWith("?") && countByte(rest, "?") === 1) {
    url.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf("?");
    if (q >= 0) {
      url.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith("/")) {
    if (url.scheme !== "") {
      url.opaque = rest;
      return url;
    }
    const slash = rest.indexOf("/");
    const segment = slash < 0 ? rest : rest.slice(0, slash);
    if (segment.includes(":")) throw new UrlError("first path segment in URL cannot contain colon");
  }
  if ((url.scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
    let authority = rest.slice(2);
    rest = "";
    const i = authority.indexOf("/");
    if (i >= 0) {
      rest = authority.slice(i);
      authority = authority.slice(0, i);
    }
    [url.user, url.host] = parseAuthority(authority);
  }
  setPath(url, rest);
  return url;
}

/** url.Parse of a byte string; throws UrlError with the *url.Error text. */
export function parseUrl(raw: string): Url {
  const hash = raw.indexOf("#");
  const u = hash < 0 ? raw : raw.slice(0, hash);
  const frag = hash < 0 ? "" : raw.slice(hash + 1);
  let url: Url;
  try {
    url = parseReference(u);
  } catch (e) {
    if (e instanceof UrlError) throw new UrlError(`parse ${quote(fromBytes(u))}: ${e.message}`);
    throw e;
  }
  if (frag === "") return url;
  try {
    setFragment(url, frag);
  } catch (e) {
    if (e instanceof UrlError) throw new UrlError(`parse ${quote(fromBytes(raw))}: ${e.message}`);
    throw e;
  }
  return url;
}

function validEncoded(s: string, mode: Mode): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ("!$&'()*+,;=:@[]%".includes(s[i] as string)) continue;
    if (shouldEscape(c, mode)) return false;
  }
  return true;
}

function escapedPath(u: Url): string {
  if (u.rawPath !== "" && validEncoded(u.rawPath, Mode.Path)) {
    try {
      if (urlUnescape(u.rawPath, Mode.Path) === u.path) return u.rawPath;
    } catch {
      // an invalid RawPath is ignored
    }
  }
  if (u.path === "*") return "*";
  return urlEscape(u.path, Mode.Path);
}

function escapedFragment(u: Url): string {
  if (u.rawFragment !== "" && validEncoded(u.rawFragment, Mode.Fragment)) {
    try {
      if (urlUnescape(u.rawFragment, Mode.Fragment) === u.fragment) return u.rawFragment;
    } catch {
      // an invalid RawFragment is ignored
    }
  }
  return urlEscape(u.fragment, Mode.Fragment);
}

/** URL.String (a byte string). */
export function urlString(u: Url): string {
  let buf = "";
  if (u.scheme !== "") buf += `${u.scheme}:`;
  if (u.opaque !== "") buf += u.opaque;
  else {
    if (u.scheme !== "" || u.host !== "" || u.user !== null) {
      if (u.host !== "" || u.path !== "" || u.user !== null) buf += "//";
      if (u.user !== null) buf += `${userinfoString(u.user)}@`;
      if (u.host !== "") buf += urlEscape(u.host, Mode.Host);
    }
    const path = escapedPath(u);
    if (path !== "" && path[0] !== "/" && u.host !== "") buf += "/";
    if (buf === "") {
      const slash = path.indexOf("/");
      const segment = slash < 0 ? path : path.slice(0, slash);
      if (segment.includes(":")) buf += "./";
    }
    buf += path;
  }
  if (u.forceQuery || u.rawQuery !== "") buf += `?${u.rawQuery}`;
  if (u.fragment !== "") buf += `#${escapedFragment(u)}`;
  return buf;
}

/** URL.Hostname: the host without a valid port, brackets of an IPv6 literal removed. */
export function hostname(u: Url): string {
  let host = u.host;
  const colon = host.lastIndexOf(":");
  if (colon !== -1 && validOptionalPort(host.slice(colon))) host = host.slice(0, colon);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return host;
}
