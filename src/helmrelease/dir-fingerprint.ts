/**
 * A cheap witness that a directory tree has not changed since it was last seen: every entry's
 * path, and for files their size, inode and modification and change times (nanoseconds), as
 * git's index trusts a file whose stat data is unchanged. Reading and hashing a chart of a
 * hundred files costs ten times what stating them does, and a provider asked for one chart
 * directory by every release of a repository would otherwise read it again each time.
 *
 * Like git's "racily clean" entries, a tree with a file changed within the last two seconds
 * gets no fingerprint (a second write within the file system's timestamp resolution could keep
 * every stat field), and neither does a tree holding a symbolic link (a change behind the link
 * would not show here).
 */
import * as nodeFs from "node:fs";
import * as path from "node:path";

const RACY_NS = 2_000_000_000n;

/** The fingerprint of `dir`'s tree, or undefined when stat data cannot vouch for it. */
export function treeFingerprint(
  dir: string,
  now: bigint = BigInt(Date.now()) * 1_000_000n,
): string | undefined {
  const parts: string[] = [];
  const walk = (d: string): boolean => {
    let entries: nodeFs.Dirent[];
    try {
      entries = nodeFs.readdirSync(d, { withFileTypes: true });
    } catch {
      return false;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        parts.push(`d ${p}`);
        if (!walk(p)) return false;
        continue;
      }
      if (!e.isFile()) return false; // a link, a socket: stat data says nothing of what is behind it
      let st: nodeFs.BigIntStats;
      try {
        st = nodeFs.statSync(p, { bigint: true });
      } catch {
        return false;
      }
      if (now - st.mtimeNs < RACY_NS || now - st.ctimeNs < RACY_NS) return false;
      parts.push(`f ${p} ${st.size} ${st.ino} ${st.mtimeNs} ${st.ctimeNs}`);
    }
    return true;
  };
  return walk(dir) ? parts.join("\n") : undefined;
}
