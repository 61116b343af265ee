import { describe, expect, it } from "vitest";
import { addIdleWork, doIdleWork } from "../src/idle-work.js";

describe("idle work", () => {
  it("does one step of the first task with work left, each task added once", () => {
    const done: string[] = [];
    const queue = (name: string, n: number) => () => {
      if (n === 0) return false;
      n--;
      done.push(name);
      return true;
    };
    const a = queue("a", 2);
    addIdleWork(a);
    addIdleWork(queue("b", 1));
    addIdleWork(a);
    while (doIdleWork());
    expect(done).toEqual(["a", "a", "b"]);
    expect(doIdleWork()).toBe(false);
  });
});
