// A local stand-in for Stripe in the browser tests (no internet here), run by ../../scripts/e2e.sh
// beside an API configured with STRIPE_SECRET_KEY / STRIPE_API_BASE pointing at it:
//   - the REST API the server calls: POST /v1/payment_intents and POST /v1/refunds, checking the
//     secret key, the form fields and the Idempotency-Key (the same key answers the same intent);
//   - what Stripe.js calls from the browser: POST /v1/payment_intents/{id}/confirm with the client
//     secret and the publishable key; card 4000 0000 0000 0002 is declined, other cards succeed;
//     each outcome is sent to the API's webhook as Stripe does (signed `t=…,v1=…` HMAC-SHA256);
//   - GET /js/v3: a small Stripe.js (window.Stripe, elements, the Payment Element, confirmPayment)
//     that the browser test serves in place of https://js.stripe.com/v3/;
//   - GET /_test/requests: every request it received with its verdict, for the test's checks.
//
//   FAKE_STRIPE_PORT=12111 STRIPE_SECRET_KEY=sk_test_x STRIPE_PUBLISHABLE_KEY=pk_test_x \
//   STRIPE_WEBHOOK_SECRET=whsec_x WEBHOOK_URL=http://127.0.0.1:8000/api/v1/payments/stripe/webhook \
//   node e2e/fake-stripe.mjs
import { createHmac, randomBytes } from "node:crypto";
import { createServer } from "node:http";

const PORT = Number(process.env.FAKE_STRIPE_PORT ?? 12111);
const SECRET_KEY = required("STRIPE_SECRET_KEY");
const PUBLISHABLE_KEY = required("STRIPE_PUBLISHABLE_KEY");
const WEBHOOK_SECRET = required("STRIPE_WEBHOOK_SECRET");
const WEBHOOK_URL = required("WEBHOOK_URL");
const DECLINED_CARD = "4000000000000002";

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`fake-stripe: ${name} is required`);
  return value;
}

const intents = new Map(); // id -> intent
const byIdempotencyKey = new Map(); // key -> intent id
const log = []; // { method, path, status, problems, fields, webhook? }

const id = (prefix) => `${prefix}_${randomBytes(12).toString("hex")}`;

function send(res, status, body, type = "application/json") {
  res.writeHead(status, { "Content-Type": type, "Access-Control-Allow-Origin": "*" });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

function stripeError(res, status, message, entry) {
  entry.status = status;
  entry.problems.push(message);
  send(res, status, { error: { type: "invalid_request_error", message } });
}

async function deliver(type, intent, entry) {
  const event = {
    id: id("evt"),
    object: "event",
    type,
    data: {
      object: {
        id: intent.id,
        object: "payment_intent",
        amount: intent.amount,
        currency: intent.currency,
        status: intent.status,
        metadata: intent.metadata,
      },
    },
  };
  const body = JSON.stringify(event);
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac("sha256", WEBHOOK_SECRET).update(`${t}.${body}`).digest("hex");
  const response = await fetch(WEBHOOK_URL, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Stripe-Signature": `t=${t},v1=${v1}` },
    body,
  });
  entry.webhook = { type, status: response.status, answer: await response.text() };
}

async function handle(req, res) {
  const url = new URL(req.url, `http://127.0.0.1:${PORT}`);
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const raw = Buffer.concat(chunks).toString();
  const fields = Object.fromEntries(new URLSearchParams(raw));
  const entry = { method: req.method, path: url.pathname, status: 200, problems: [], fields };

  if (req.method === "OPTIONS") {
    res.writeHead(204, {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "POST, GET",
      "Access-Control-Allow-Headers": "Content-Type",
    });
    return res.end();
  }
  if (req.method === "GET" && url.pathname === "/_test/requests") return send(res, 200, log);
  if (req.method === "GET" && url.pathname === "/js/v3") return send(res, 200, STRIPE_JS, "application/javascript");
  log.push(entry);

  // Called by the API with the secret key.
  if (req.method === "POST" && (url.pathname === "/v1/payment_intents" || url.pathname === "/v1/refunds")) {
    entry.authorization = req.headers.authorization === `Bearer ${SECRET_KEY}`;
    entry.idempotencyKey = req.headers["idempotency-key"] ?? null;
    if (!entry.authorization) return stripeError(res, 401, "Invalid API Key provided", entry);
    if (!req.headers["content-type"]?.startsWith("application/x-www-form-urlencoded"))
      return stripeError(res, 400, "the body must be form-encoded", entry);
    if (!entry.idempotencyKey) entry.problems.push("no Idempotency-Key");
    if (url.pathname === "/v1/refunds") {
      const intent = intents.get(fields.payment_intent);
      if (!intent) return stripeError(res, 404, `No such payment_intent: '${fields.payment_intent}'`, entry);
      return send(res, 200, { id: id("re"), object: "refund", amount: Number(fields.amount ?? intent.amount), status: "succeeded" });
    }
    const amount = Number(fields.amount);
    if (!Number.isInteger(amount) || amount < 50) return stripeError(res, 400, "amount: an integer of at least 50", entry);
    if (!/^[a-z]{3}$/.test(fields.currency ?? "")) return stripeError(res, 400, "currency: a lowercase ISO code", entry);
    if (!fields["metadata[order_id]"]) entry.problems.push("no metadata[order_id]");
    const known = entry.idempotencyKey && byIdempotencyKey.get(entry.idempotencyKey);
    if (known) return send(res, 200, intents.get(known));
    const intentId = id("pi");
    const intent = {
      id: intentId,
      object: "payment_intent",
      amount,
      currency: fields.currency,
      status: "requires_payment_method",
      client_secret: `${intentId}_secret_${randomBytes(8).toString("hex")}`,
      metadata: { order_id: fields["metadata[order_id]"] },
    };
    intents.set(intentId, intent);
    if (entry.idempotencyKey) byIdempotencyKey.set(entry.idempotencyKey, intentId);
    return send(res, 200, intent);
  }

  // Called by Stripe.js in the browser with the publishable key and the client secret.
  const confirm = /^\/v1\/payment_intents\/([^/]+)\/confirm$/.exec(url.pathname);
  if (req.method === "POST" && confirm) {
    const intent = intents.get(confirm[1]);
    if (fields.key !== PUBLISHABLE_KEY) return stripeError(res, 401, "Invalid publishable key", entry);
    if (!intent || fields.client_secret !== intent.client_secret)
      return stripeError(res, 404, "No such payment_intent (or a wrong client secret)", entry);
    const card = (fields["payment_method_data[card][number]"] ?? "").replace(/\s/g, "");
    if (!/^\d{16}$/.test(card)) return stripeError(res, 400, "Your card number is incomplete.", entry);
    if (card === DECLINED_CARD) {
      intent.status = "requires_payment_method";
      await deliver("payment_intent.payment_failed", intent, entry);
      entry.status = 402;
      // Stripe.js words card errors in the Element's locale.
      const message = fields.locale === "fr" ? "Votre carte a été refusée." : "Your card was declined.";
      return send(res, 402, { error: { type: "card_error", code: "card_declined", message } });
    }
    intent.status = "succeeded";
    await deliver("payment_intent.succeeded", intent, entry);
    return send(res, 200, intent);
  }

  return stripeError(res, 404, `Unrecognized request URL (${req.method}: ${url.pathname})`, entry);
}

// The parts of Stripe.js the SPA uses (src/orders/stripe.ts), talking to api.stripe.com like the
// real one; the browser test routes api.stripe.com here.
const STRIPE_JS = `(function () {
  window.Stripe = function (publishableKey) {
    return {
      elements: function (options) {
        return {
          clientSecret: options.clientSecret,
          locale: options.locale || "auto",
          create: function (type) {
            if (type !== "payment") throw new Error("fake Stripe.js: only the payment element");
            var root = null;
            return {
              mount: function (target) {
                root = document.createElement("div");
                root.className = "fake-payment-element";
                var label = document.createElement("label");
                label.textContent = "Numéro de carte";
                var input = document.createElement("input");
                input.name = "cardnumber";
                input.autocomplete = "cc-number";
                input.inputMode = "numeric";
                label.appendChild(input);
                root.appendChild(label);
                target.appendChild(root);
              },
              destroy: function () {
                if (root) root.remove();
              },
            };
          },
        };
      },
      confirmPayment: function (options) {
        var secret = options.elements.clientSecret;
        var intentId = secret.split("_secret_")[0];
        var input = document.querySelector(".fake-payment-element input");
        var body = new URLSearchParams({
          key: publishableKey,
          client_secret: secret,
          "payment_method_data[card][number]": input ? input.value : "",
          return_url: options.confirmParams.return_url,
          locale: options.elements.locale,
        });
        return fetch("https://api.stripe.com/v1/payment_intents/" + intentId + "/confirm", {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: body.toString(),
        }).then(function (response) {
          return response.json().then(function (answer) {
            return response.ok ? { paymentIntent: answer } : { error: answer.error };
          });
        });
      },
    };
  };
})();
`;

createServer((req, res) => {
  handle(req, res).catch((error) => {
    console.error("fake-stripe:", error);
    send(res, 500, { error: { message: String(error) } });
  });
}).listen(PORT, "127.0.0.1", () => console.log(`fake-stripe on http://127.0.0.1:${PORT}`));
