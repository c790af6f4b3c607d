// Case references (CASE-7Q4M2K): what a teacher reads out or types from an email, so the alphabet
// leaves out what is easily confused (0/O, 1/I/L) and U (no accidental words). 30^6 is about 729
// million: random from the CSPRNG, and checked unused inside the transaction that stores it.
import { randomInt } from "node:crypto";

const alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
const length = 6;

export const caseReferencePattern = new RegExp(`^CASE-[${alphabet}]{${length}}$`);

export function randomCaseReference(): string {
  let code = "";
  for (let i = 0; i < length; i++) code += alphabet[randomInt(alphabet.length)];
  return `CASE-${code}`;
}
