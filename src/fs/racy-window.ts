/**
 * How recent a file's time stamps may be and still not show the next change: stamps are as
 * coarse as the kernel's clock, so a file written again within this window can keep its stamp
 * (Git's "racily clean" problem). Memos kept by stat (the chart walk, the code identity) only
 * trust stamps older than this.
 */
export const RACY_MS = 3_000;
