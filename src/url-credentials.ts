/**
 * URLs the repository writes (remote `resources:`, generator sources, HelmRepository and
 * OCIRepository URLs) may carry credentials: `https://user:TOKEN@host/…`, `https://TOKEN@github.com/…`
 * or `?token=…` (GitLab's private_token, S3's X-Amz-Signature, Azure's sig). Printed, they end up
 * in CI logs that more people read than the repository's readers, and a Flux variable may have
 * put a Secret's value there. Every message, label and progress line shows them redacted: the
 * userinfo as `***` (only the password part for ssh, whose user is `git`), a credential query
 * parameter's value as `***`. The rest stays, so the message still names the place.
 *
 * Where two texts are compared (a diff tells a remote entry that changed by its message), a
 * credential is shown as a mark that tells credentials apart instead (`credentialMarks`).
 */
import { cryptoModule } from "./lazy-crypto.js";

const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i;
const SSH_SCHEME = /^(?:ssh|git\+ssh|ssh\+git):\/\/$/i;
const QUERY_PARAMETER = /([?&])([^=&#]*)=([^&#]*)/g;
/** A parameter name that holds a secret, after any prefix (`private_token`, `X-Amz-Security-Token`). */
const CREDENTIAL_PARAMETER =
  /^(?:[a-z0-9]+[_-])*(?:token|password|passwd|pwd|secret|key|apikey|sig|signature|credential|auth)$/i;
/** A URL inside free text (an error's cause); quotes and brackets end it. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"`<>()[\]{}]+/gi;

/** How a credential is printed in its place. */
export type CredentialShown = (credential: string) => string;

const HIDDEN: CredentialShown = () => "***";

/**
 * Credentials shown as `<credentials:1a2b3c4d>`, an HMAC under a key of this process (as secret
 * markers are, src/sops/mask.ts): equal credentials get equal marks, so a rotated token is a
 * change, and nothing printed lets anyone confirm a guess.
 */
export function credentialMarks(key: Uint8Array = cryptoModule().randomBytes(32)): CredentialShown {
  return (credential) =>
    `<credentials:${cryptoModule().createHmac("sha256", key).update(credential).digest("hex").slice(0, 8)}>`;
}

/** `url` without its credentials. */
export function redactUrl(url: string, shown: CredentialShown = HIDDEN): string {
  const withoutUser = url.replace(USERINFO, (all, scheme: string, userinfo: string) => {
    if (!SSH_SCHEME.test(scheme)) return `${scheme}${shown(userinfo)}@`;
    const colon = userinfo.indexOf(":");
    return colon < 0 ? all : `${scheme}${userinfo.slice(0, colon)}:${shown(userinfo.slice(colon + 1))}@`;
  });
  const query = withoutUser.indexOf("?");
  if (query < 0) return withoutUser;
  const head = withoutUser.slice(0, query);
  const tail = withoutUser
    .slice(query)
    .replace(QUERY_PARAMETER, (all, sep: string, name: string, value: string) =>
      value !== "" && CREDENTIAL_PARAMETER.test(name) ? `${sep}${name}=${shown(value)}` : all,
    );
  return head + tail;
}

/** `text` with every URL in it redacted (a library's error message that quotes the URL it was given). */
export function redactUrlsIn(text: string, shown: CredentialShown = HIDDEN): string {
  return text.replace(URL_IN_TEXT, (url) => redactUrl(url, shown));
}
