// What the qualifications page says (issue 19): the greeting is the preferred name while "Your
// details" keeps the official one, and "Not known" is explained once, only when a row says it.
import { expect, test } from "bun:test";
import { QualificationsPage } from "../../src/access/qualifications/qualifications-pages";
import { measuredCertificateBytes } from "../../src/access/certificates/certificate-size";
import type { TeacherRecord } from "../../src/access/qualifications/records-client";

const brand = { name: "Access your teaching qualifications", url: "http://127.0.0.1:4002", support: { email: "help@example.com", responseTime: "5 working days" } };
const teacher = { trn: "1234567", firstName: "Kanye", middleName: "Robert", lastName: "Ashworth", dateOfBirth: "1990-03-27", qtsDate: "2026-07-01", qtsRoute: null } as unknown as TeacherRecord;
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

test("greeted by the preferred name; the official name stays in 'Your details'", () => {
  const html = String(QualificationsPage({ brand, certificateSizes: measuredCertificateBytes, teacher, preferredName: "Kanye Ashworth" }));
  expect(/<span class="govuk-caption-l"[^>]*>\s*Kanye Ashworth\s*<\/span>/.test(html)).toBe(true);
  expect(text(html)).toContain("Name Kanye Robert Ashworth");
});

test("a 'Not known' row is explained once, in plain words; a page with none says nothing about it", () => {
  const html = String(QualificationsPage({ brand, certificateSizes: measuredCertificateBytes, teacher }));
  expect(text(html)).toContain("Route Not known");
  expect(html.match(/“Not known” means/g)).toHaveLength(1);
  const complete = String(QualificationsPage({ brand, certificateSizes: measuredCertificateBytes, teacher: { ...teacher, qtsRoute: "HEI", inductionStatus: "RequiredToComplete" } as TeacherRecord }));
  expect(complete).not.toContain("Not known");
});
