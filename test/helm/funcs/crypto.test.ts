import { describe } from "vitest";
import { table } from "./table.js";

// Expected values printed by Helm 4.1.4 (`{{ EXPR | toString }}`).
describe("crypto", () => {
  table([
    ['sha1sum "héllo"', "35b5ea45c5e41f78b46a937cc74d41dfea920890"],
    ['sha256sum ""', "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    [
      'sha512sum "abc"',
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    ],
    ['adler32sum "Wikipedia"', "300286872"],
    ['derivePassword 1 "long" "password" "user" "example.com"', "ZedaFaxcZaso9*"],
    ['derivePassword 3 "pin" "pw" "ü" "site"', "1429"],
    ['derivePassword 1 "bogus" "pw" "u" "s"', "cannot find password template bogus"],
    ['encryptAES "secretkey" "plaintext" | decryptAES "secretkey"', "plaintext"],
    ['encryptAES "k" ""', ""],
    ['decryptAES "k" ""', ""],
    ['decryptAES "k" "!!"', "illegal base64 data at input byte 0", true],
    ['decryptAES "k" "YWJj"', "runtime error: slice bounds out of range [:16] with capacity 3", true],
  ]);
});
