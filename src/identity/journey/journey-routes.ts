// Every page of the sign-in and registration journeys, as one plugin for identity's service.
import { Elysia } from "elysia";
import { registerRoutes } from "../register/register-routes";
import { signInRoutes } from "../sign-in/sign-in-routes";
import type { JourneyDeps } from "./journey-deps";
import { interactionRoutes } from "./interaction-routes";

export function journeyRoutes(deps: JourneyDeps) {
  return new Elysia({ name: "identity-journeys" }).use(interactionRoutes(deps)).use(signInRoutes(deps)).use(registerRoutes(deps));
}
