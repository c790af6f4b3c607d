// The registration step table on its own: order, back links, what can be reached, and "Change".
import { describe, expect, test } from "bun:test";
import type { RegistrationAnswers } from "../../src/identity/journey/journey-state";
import { allAnswered, canReach, currentStep, nextStep, previousStep, stepPath } from "../../src/identity/register/register-steps";

const fresh = (teacherDob: string | null = "1990-01-02"): RegistrationAnswers => ({
  trnTokenHash: "h",
  trn: "1234567",
  email: "jane@example.com",
  teacher: { firstName: "Jane", middleName: null, lastName: "Doe", dateOfBirth: teacherDob },
});

describe("registration step table", () => {
  test("a new journey is on the landing page and cannot jump ahead", () => {
    const a = fresh();
    expect(currentStep(a)).toBe("landing");
    expect(canReach("landing", a)).toBe(true);
    for (const step of ["phone", "phone-code", "preferred-name", "check-answers"] as const) expect(canReach(step, a)).toBe(false);
  });

  test("with a phone: landing, phone, phone-code, preferred-name, check-answers", () => {
    const a = fresh();
    a.started = true;
    expect(currentStep(a)).toBe("phone");
    a.phone = "+447700900123";
    expect(currentStep(a)).toBe("phone-code");
    expect(canReach("preferred-name", a)).toBe(false);
    a.phoneVerified = true;
    expect(currentStep(a)).toBe("preferred-name");
    a.preferredName = "Jane Doe";
    expect(currentStep(a)).toBe("check-answers");
    expect(allAnswered(a)).toBe(true);
    // Records knew the date of birth, so it is never asked.
    expect(canReach("date-of-birth", a)).toBe(false);
  });

  test("without a phone the code step is skipped, and back from the name goes to the phone page", () => {
    const a = { ...fresh(), started: true, noPhone: true };
    expect(currentStep(a)).toBe("preferred-name");
    expect(canReach("phone-code", a)).toBe(false);
    expect(previousStep("preferred-name", a)).toBe("phone");
  });

  test("date of birth is asked only when records has none", () => {
    const a = { ...fresh(null), started: true, noPhone: true, preferredName: "Jane" };
    expect(currentStep(a)).toBe("date-of-birth");
    expect(canReach("check-answers", a)).toBe(false);
    expect(previousStep("date-of-birth", a)).toBe("preferred-name");
    a.dateOfBirth = "1990-01-02";
    expect(currentStep(a)).toBe("check-answers");
    expect(previousStep("check-answers", a)).toBe("date-of-birth");
  });

  test("back links follow the order while answering", () => {
    const a = { ...fresh(), started: true, phone: "+447700900123" };
    expect(previousStep("landing", a)).toBeUndefined();
    expect(previousStep("phone", a)).toBe("landing");
    expect(previousStep("phone-code", a)).toBe("phone");
  });

  test("a Change from check answers returns to check answers, and back links point there", () => {
    const a = { ...fresh(), started: true, phone: "+447700900123", phoneVerified: true, preferredName: "Jane" };
    expect(previousStep("preferred-name", a)).toBe("check-answers");
    a.preferredName = "J Doe";
    expect(currentStep(a)).toBe("check-answers");
  });

  test("changing the phone number asks for the new number's code before check answers", () => {
    const a: RegistrationAnswers = { ...fresh(), started: true, phone: "+447700900123", phoneVerified: true, preferredName: "Jane" };
    a.phone = "+447700900999";
    a.phoneVerified = false;
    expect(currentStep(a)).toBe("phone-code");
    expect(canReach("check-answers", a)).toBe(false);
    expect(previousStep("phone-code", a)).toBe("phone");
  });

  test("a different email address is a detour from check answers, reachable only once every question is answered", () => {
    const a: RegistrationAnswers = { ...fresh(), started: true, noPhone: true };
    expect(canReach("email", a)).toBe(false);
    expect(canReach("email-code", a)).toBe(false);
    a.preferredName = "Jane";
    expect(canReach("email", a)).toBe(true);
    // No new address waits for a code: the code page sends the teacher back (to check answers).
    expect(canReach("email-code", a)).toBe(false);
    expect(currentStep(a)).toBe("check-answers");
    // The detour is never asked in turn, and check answers' back link is not in it.
    expect(previousStep("check-answers", a)).toBe("preferred-name");
  });

  test("a new address goes to its code, back links stay in the detour, and the code returns to check answers", () => {
    const a: RegistrationAnswers = { ...fresh(), started: true, noPhone: true, preferredName: "Jane" };
    expect(previousStep("email", a)).toBe("check-answers");
    a.newEmail = { address: "jane.new@example.com", codeId: "c1" };
    expect(nextStep("email", a)).toBe("email-code");
    expect(canReach("email-code", a)).toBe(true);
    expect(previousStep("email-code", a)).toBe("email");
    // A pending change is not in the way of creating the account with the address already verified.
    expect(canReach("check-answers", a)).toBe(true);
    expect(currentStep(a)).toBe("check-answers");
    // The code is checked: nothing waits any more.
    a.email = "jane.new@example.com";
    delete a.newEmail;
    expect(nextStep("email-code", a)).toBe("check-answers");
    expect(canReach("email-code", a)).toBe(false);
    // Back to the link's own address (no code): straight to check answers.
    expect(nextStep("email", a)).toBe("check-answers");
  });

  test("every step has its own path", () => {
    expect(stepPath("landing")).toBe("/register");
    expect(stepPath("check-answers")).toBe("/register/check-answers");
    expect(stepPath("email")).toBe("/register/email");
    expect(stepPath("email-code")).toBe("/register/email-code");
  });
});
