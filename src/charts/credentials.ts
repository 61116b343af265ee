/**
 * Where pull finds credentials, in Flux's order of precedence: the source's `secretRef` (a
 * Secret rendered in the same cluster, SOPS-decrypted like every other: `username`/`password`
 * for HelmRepository, `.dockerconfigjson` for OCIRepository and OCI HelmRepository), then the
 * person's own registry logins (Docker's config.json, `$DOCKER_CONFIG`, and Helm's
 * registry/config.json, `$HELM_REGISTRY_CONFIG`, as `helm registry login` writes it).
 * Credential helpers (`credsStore`) are not run: Slipway does not execute programs named by
 * config files.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { YamlValue } from "../kustomize/types.js";

export interface Credentials {
  username: string;
  password: string;
  /** Where they came from, for error messages ("Secret flux-system/ghcr-auth", "~/.docker/config.json"). */
  from: string;
}

export function authorizationHeader(creds: Credentials | undefined): Record<string, string> {
  if (!creds) return {};
  return { authorization: `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}` };
}

/** Docker/Helm auth file format: `{"auths": {"host": {"auth": base64(user:pass)} | {username, password}}}`. */
export function credentialsFromDockerConfig(
  text: string,
  host: string,
  from: string,
): Credentials | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const auths = (raw as { auths?: unknown } | null)?.auths;
  if (!auths || typeof auths !== "object") return undefined;
  for (const [key, value] of Object.entries(auths as Record<string, unknown>)) {
    if (registryHost(key) !== host || !value || typeof value !== "object") continue;
    const v = value as { auth?: unknown; username?: unknown; password?: unknown };
    if (typeof v.auth === "string" && v.auth !== "") {
      const decoded = Buffer.from(v.auth, "base64").toString("utf8");
      const i = decoded.indexOf(":");
      if (i > 0) return { username: decoded.slice(0, i), password: decoded.slice(i + 1), from };
    }
    if (typeof v.username === "string" && typeof v.password === "string")
      return { username: v.username, password: v.password, from };
  }
  return undefined;
}

/** "https://index.docker.io/v1/" → "index.docker.io"; "ghcr.io" → "ghcr.io". Docker Hub is one host. */
export function registryHost(key: string): string {
  const h = key
    .replace(/^[a-z]+:\/\//i, "")
    .replace(/\/.*$/, "")
    .toLowerCase();
  return h === "docker.io" || h === "registry-1.docker.io" ? "index.docker.io" : h;
}

/** The files `docker login` and `helm registry login` write, for this environment. */
export function registryConfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME || os.homedir();
  const docker = env.DOCKER_CONFIG
    ? path.join(env.DOCKER_CONFIG, "config.json")
    : path.join(home, ".docker", "config.json");
  const helm =
    env.HELM_REGISTRY_CONFIG ??
    path.join(env.XDG_CONFIG_HOME || path.join(home, ".config"), "helm", "registry", "config.json");
  return [docker, helm];
}

/** Credentials for an OCI registry host from the person's login files. */
export function credentialsFromLogins(host: string, files: string[]): Credentials | undefined {
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const c = credentialsFromDockerConfig(text, registryHost(host), file);
    if (c) return c;
  }
  return undefined;
}

/**
 * Credentials from a rendered Secret: `username`/`password` keys (HelmRepository basic auth),
 * or a `.dockerconfigjson` for `host`. `data` is base64 (as the API server stores it),
 * `stringData` plain; stringData wins as the API server merges it.
 */
export function credentialsFromSecret(
  secret: Record<string, YamlValue>,
  host: string,
  from: string,
): Credentials | undefined {
  const values = secretValues(secret);
  const username = values.get("username");
  const password = values.get("password");
  if (username !== undefined && password !== undefined) return { username, password, from };
  const docker = values.get(".dockerconfigjson");
  if (docker !== undefined) return credentialsFromDockerConfig(docker, registryHost(host), from);
  return undefined;
}

export function secretValues(secret: Record<string, YamlValue>): Map<string, string> {
  const out = new Map<string, string>();
  const data = secret.data;
  if (data && typeof data === "object" && !Array.isArray(data)) {
    for (const [k, v] of Object.entries(data)) {
      if (typeof v === "string") out.set(k, Buffer.from(v, "base64").toString("utf8"));
    }
  }
  const stringData = secret.stringData;
  if (stringData && typeof stringData === "object" && !Array.isArray(stringData)) {
    for (const [k, v] of Object.entries(stringData)) {
      if (v !== null && typeof v !== "object") out.set(k, String(v));
    }
  }
  return out;
}
