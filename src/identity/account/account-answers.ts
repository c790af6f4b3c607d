// Parsing what a teacher types on /account. Mobile numbers, preferred names and new email addresses
// follow the same rules as registration, which also offers a different address (register-answers.ts).
export { isSchoolOrUniversityAddress, parseNewEmail } from "../register/register-answers";
