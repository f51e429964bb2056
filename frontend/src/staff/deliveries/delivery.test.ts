import { describe, expect, it } from "vitest";
import { addressLine, failureReason, geoUri, osmSearchUrl, telHref, toCollect } from "./delivery";

const address = { line1: "12 rue Mercière", line2: "Bât. B", postal_code: "69002", city: "Lyon" };

describe("a delivery", () => {
  it("links the address to maps without loading any", () => {
    expect(addressLine(address)).toBe("12 rue Mercière, Bât. B, 69002 Lyon");
    expect(osmSearchUrl(address)).toBe(
      "https://www.openstreetmap.org/search?query=12%20rue%20Merci%C3%A8re%2C%20B%C3%A2t.%20B%2C%2069002%20Lyon",
    );
    expect(geoUri({ ...address, line2: null })).toBe("geo:0,0?q=12%20rue%20Merci%C3%A8re%2C%2069002%20Lyon");
  });

  it("dials the customer's phone", () => {
    expect(telHref("+33 6 12 34 56 78")).toBe("tel:+33612345678");
    expect(telHref("06.12.34.56.78")).toBe("tel:0612345678");
  });

  it("collects the total unless paid online", () => {
    expect(toCollect({ payment_method: "cash", total_cents: 2350 })).toBe(2350);
    expect(toCollect({ payment_method: "online", total_cents: 2350 })).toBe(0);
  });

  it("tells why the last delivery failed", () => {
    const history = [
      { at: "2026-12-01T12:00:00Z", from: "ready" as const, to: "out_for_delivery" as const, event: "moved" as const },
      { at: "2026-12-01T12:20:00Z", from: "out_for_delivery" as const, to: "ready" as const, event: "delivery_failed" as const, reason: "nobody home", note: "delivery failed: nobody home" },
    ];
    expect(failureReason({ status: "ready", history })).toBe("nobody home");
    expect(failureReason({ status: "ready", history: history.slice(0, 1) })).toBeNull();
    expect(failureReason({ status: "out_for_delivery", history })).toBeNull();
  });
});
