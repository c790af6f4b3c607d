// Settings that only the access service reads. Names are environment variables; see README "Configuration".
import { z } from "zod";

export const accessSettings = z.object({});
