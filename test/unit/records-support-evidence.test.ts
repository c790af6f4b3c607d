// The evidence download's Content-Disposition: whatever name the teacher's file had, the header is
// one attachment with a quoted ASCII name and an RFC 5987 UTF-8 name, and nothing that could end
// the header or the quoted string.
import { expect, test } from "bun:test";
import { attachmentDisposition } from "../../src/records/support/support-routes";

test("a plain name is kept, in both forms", () => {
  expect(attachmentDisposition("birth certificate.pdf")).toBe(`attachment; filename="birth certificate.pdf"; filename*=UTF-8''birth%20certificate.pdf`);
});

test("quotes, backslashes, non-ASCII and RFC 5987's reserved characters cannot break out", () => {
  const header = attachmentDisposition(`Zoë's "scan" (1)\\x.png`);
  expect(header).toBe(`attachment; filename="Zo_'s _scan_ (1)_x.png"; filename*=UTF-8''Zo%C3%AB%27s%20%22scan%22%20%281%29%5Cx.png`);
  expect(header.split('"')).toHaveLength(3);
  expect(header).not.toMatch(/[\r\n]/);
});

test("an empty name still downloads as a file", () => {
  expect(attachmentDisposition("")).toBe(`attachment; filename="evidence"; filename*=UTF-8''evidence`);
});
