/**
 * A FileSystem that keeps the bytes of every file read through it. The dashboard shows source
 * files as the render read them: consistent with the rendered model even while the disk has
 * already moved on, and without reading anything a second time.
 */
import type { FileSystem } from "./filesystem.js";

export class RecordingFileSystem implements FileSystem {
  private readonly read = new Map<string, Buffer>();

  constructor(private readonly inner: FileSystem) {}

  readFile(p: string): Buffer {
    const known = this.read.get(p);
    if (known) return known;
    const bytes = this.inner.readFile(p);
    this.read.set(p, bytes);
    return bytes;
  }
  exists(p: string): boolean {
    return this.inner.exists(p);
  }
  isDirectory(p: string): boolean {
    return this.inner.isDirectory(p);
  }
  readDir(p: string): string[] {
    return this.inner.readDir(p);
  }
  size(p: string): number {
    return this.read.get(p)?.length ?? this.inner.size(p);
  }
  realPath(p: string): string {
    return this.inner.realPath(p);
  }

  /** The bytes read for `p` (absolute), if it was read. */
  recorded(p: string): Buffer | undefined {
    return this.read.get(p);
  }
}
