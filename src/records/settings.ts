// Settings that only the records service reads. Names are environment variables; see README "Configuration".
import { z } from "zod";

export const recordsSettings = z.object({});
