/** Hash routes, so a report file and the live page share links: `#/graph/dev?node=…`. */
import { useEffect, useState } from "preact/hooks";

export interface Route {
  /** Path segments, decoded: ["graph", "dev"]. */
  parts: string[];
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#\/?/, "");
  const q = raw.indexOf("?");
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const params = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : "");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), params };
}

export function href(parts: string[], params: Record<string, string | undefined> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") p.set(k, v);
  const query = p.toString();
  return `#/${parts.map(encodeURIComponent).join("/")}${query ? `?${query}` : ""}`;
}

export function navigate(to: string): void {
  if (location.hash !== to) location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

export function sourceHref(file: string, line?: number): string {
  return href(["source"], { file, line: line ? String(line) : undefined });
}
