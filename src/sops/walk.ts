import { Branch, Comment, type Scalar, Sequence, type TreeBranches, type TreeValue } from "./tree.js";

/**
 * The tree walk sops uses for encryption, decryption and the MAC: document order, path =
 * map keys only (list indices are not part of it), comments are leaves whose path is the
 * branch that holds them, nulls are skipped. Returns a new tree; the input is not changed.
 */
export type LeafVisitor = (
  leaf: Scalar | Comment,
  path: readonly string[],
  commentsStack: readonly string[][],
) => Scalar | Comment;

export function mapLeaves(branches: TreeBranches, visit: LeafVisitor): TreeBranches {
  return branches.map((b) => walkBranch(b, [], [], visit));
}

function walkValue(v: TreeValue, path: string[], stack: string[][], visit: LeafVisitor): TreeValue {
  if (v === null) return null;
  if (v instanceof Branch) return walkBranch(v, path, stack, visit);
  if (v instanceof Sequence) return walkSequence(v, path, stack, visit);
  const out = visit(v, path, stack);
  if (out instanceof Comment) throw new Error("a value became a comment");
  return out;
}

function walkComment(c: Comment, path: string[], stack: string[][], visit: LeafVisitor): Comment {
  const out = visit(c, path, stack);
  // Encrypted or decrypted, a comment stays where it was written (inline or on its own line).
  if (out instanceof Comment && out.inline === c.inline) return out;
  return new Comment(out instanceof Comment ? out.text : String(out), c.inline);
}

function walkSequence(seq: Sequence, path: string[], outer: string[][], visit: LeafVisitor): Sequence {
  const frame: string[] = [];
  const stack = [...outer, frame];
  const items: Array<TreeValue | Comment> = [];
  for (const item of seq.items) {
    if (item instanceof Comment) {
      frame.push(item.text);
      items.push(walkComment(item, path, stack, visit));
      continue;
    }
    items.push(walkValue(item, path, stack, visit));
    frame.length = 0;
  }
  return new Sequence(items);
}

function walkBranch(branch: Branch, path: string[], outer: string[][], visit: LeafVisitor): Branch {
  const frame: string[] = [];
  const stack = [...outer, frame];
  const items: Branch["items"] = [];
  for (const item of branch.items) {
    if (item instanceof Comment) {
      frame.push(item.text);
      items.push(walkComment(item, path, stack, visit));
      continue;
    }
    items.push({ key: item.key, value: walkValue(item.value, [...path, item.key], stack, visit) });
    frame.length = 0;
  }
  return new Branch(items);
}

export function aadFor(path: readonly string[]): string {
  return `${path.join(":")}:`;
}
