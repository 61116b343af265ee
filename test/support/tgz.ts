import { gzipSync } from "node:zlib";

/**
 * A gzipped ustar archive of (name, text) entries, written by hand rather than by the tar
 * library so that tests can build archives the library would refuse to write (absolute names,
 * `..` segments). Names ending in "/" are directories; content may be bytes (a nested archive).
 */
export function tgz(entries: Array<[string, string | Uint8Array]>): Uint8Array {
  const blocks: Buffer[] = [];
  for (const [name, content] of entries) {
    const data = Buffer.from(content);
    const h = Buffer.alloc(512);
    h.write(name, 0, 100, "utf8");
    h.write("0000644\0", 100);
    h.write("0000000\0", 108);
    h.write("0000000\0", 116);
    h.write(`${data.length.toString(8).padStart(11, "0")}\0`, 124);
    h.write("00000000000\0", 136);
    h.write("        ", 148);
    h.write(name.endsWith("/") ? "5" : "0", 156);
    h.write("ustar\0", 257);
    h.write("00", 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
