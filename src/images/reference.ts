/**
 * Image references as Docker's distribution/reference reads them (reference/regexp.go, v0.6.0):
 * `[host[:port]/]path[:tag][@digest]`. Kubernetes takes any string as `image`, so a pasted
 * comment (`app:1.2 # rc`) or a stray newline would reach the cluster as an image no node can
 * pull: the references Slipway writes from the command line are checked first.
 */
import { splitImage } from "../kustomize/transformers/images.js";

const ALNUM = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|[-]+)";
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const HOST_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = `(?:${HOST_COMPONENT}(?:\\.${HOST_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const NAME = new RegExp(`^(?:${HOST}(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
/** distribution/reference's NameTotalLengthMax. */
const NAME_MAX = 255;

/** Why `ref` is not a valid image reference, or undefined when it is. */
export function imageReferenceProblem(ref: string): string | undefined {
  const { name, tag, digest } = splitImage(ref);
  const quoted = JSON.stringify(ref);
  if (name.length > NAME_MAX || !NAME.test(name))
    return `${quoted} is not a valid image reference: the repository name must be [HOST[:PORT]/]path, in lowercase letters, digits and . _ - / (at most ${NAME_MAX} characters)`;
  if (ref.slice(name.length).startsWith(":") && !TAG.test(tag))
    return `${quoted} is not a valid image reference: a tag is at most 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'`;
  if (ref.includes("@") && !DIGEST.test(digest))
    return `${quoted} is not a valid image reference: a digest is ALGORITHM:HEX (sha256:…)`;
  return undefined;
}
