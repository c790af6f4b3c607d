// Settings that only the identity service reads. Names are environment variables; see README "Configuration".
import { z } from "zod";

export const identitySettings = z.object({});
