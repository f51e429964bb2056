// The kitchen's names for the API's schemas.
export type { KitchenQueue, KitchenTicket, TicketLine } from "../../api/types";
