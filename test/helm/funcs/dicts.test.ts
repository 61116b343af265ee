import { describe } from "vitest";
import { table } from "./table.js";

// Expected values printed by Helm 4.1.4 (`{{ EXPR | toString }}`).
describe("dicts", () => {
  table([
    ['dict "a" 1 "b"', "map[a:1 b:]"],
    ["dict 1 2 nil 3", "map[1:2 <nil>:3]"],
    ['get (dict "a" 1) "b"', ""],
    ['set (dict "a" 1) "b" 2', "map[a:1 b:2]"],
    ['unset (dict "a" 1 "b" 2) "a"', "map[b:2]"],
    ['hasKey (dict "a" nil) "a"', "true"],
    ['pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3)', "[1 3]"],
    ['keys (dict "b" 1 "a" 2) | sortAlpha', "[a b]"],
    ['pick (dict "a" 1 "b" 2 "c" 3) "a" "c" "x"', "map[a:1 c:3]"],
    ['omit (dict "a" 1 "b" 2 "c" 3) "a" "c"', "map[b:2]"],
    [
      'merge (dict "a" 1 "b" (dict "x" 1)) (dict "a" 2 "b" (dict "y" 2) "c" 3)',
      "map[a:1 b:map[x:1 y:2] c:3]",
    ],
    ['merge (dict "a" 0 "b" "" "c" (list)) (dict "a" 5 "b" "s" "c" (list 1))', "map[a:5 b:s c:[1]]"],
    [
      'mergeOverwrite (dict "a" 1 "b" (dict "x" 1)) (dict "a" 2 "b" (dict "y" 2) "c" nil)',
      "map[a:2 b:map[x:1 y:2] c:<nil>]",
    ],
    ['mergeOverwrite (dict "a" (list 1 2)) (dict "a" (list))', "map[a:[]]"],
    ['merge (dict "a" "x") (dict "a" (dict "b" 1))', "map[a:x]"],
    ['mergeOverwrite (dict "a" "x") (dict "a" (dict "b" 1))', "map[a:map[b:1]]"],
    ['values (dict "a" 1)', "[1]"],
    ['deepCopy (dict "a" (list 1 (dict "b" 2)))', "map[a:[1 map[b:2]]]"],
    ['deepCopy (semver "1.2.3")', "0.0.0"],
    ["deepCopy nil", "reflect: call of reflect.Value.Type on zero Value", true],
    ['dig "a" "b" "def" (dict "a" (dict "b" 1))', "1"],
    ['dig "a" "x" "def" (dict "a" (dict "b" 1))', "def"],
    [
      'dig "a" "b" "def" (dict "a" "str")',
      "interface conversion: interface {} is string, not map[string]interface {}",
      true,
    ],
    ['dig "a" "def" (dict)', "def"],
    ['dig 1 "def" (dict)', "interface conversion: interface {} is int, not string", true],
    ['dig "a" (dict)', "dig needs at least three arguments", true],
  ]);
});
