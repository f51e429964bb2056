// The kitchen's names for the API's schemas. Until the issue-12 queue fields (thresholds,
// recent tickets, line kind/size/allergens) are in the generated spec, they are read as optional.
import type { components } from "../../api/schema";

type Schemas = components["schemas"];
export type KitchenTicket = Schemas["KitchenTicket"];
export type TicketLine = Schemas["TicketLine"] & { kind?: string; size?: string; allergens?: string[] };
export type KitchenQueue = Schemas["KitchenQueue"] & {
  warn_after_minutes?: number;
  late_after_minutes?: number;
  recent?: KitchenTicket[];
};
