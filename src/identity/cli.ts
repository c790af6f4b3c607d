// `teacher-id identity ...`: operator commands for the identity service.
import { commandGroup } from "../cli/command";

export const identityCommands = commandGroup("identity", "Operate the identity service", []);
