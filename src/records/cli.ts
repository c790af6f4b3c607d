// `teacher-id records ...`: operator commands for the records service.
import { commandGroup } from "../cli/command";

export const recordsCommands = commandGroup("records", "Operate the records service", []);
