// What every browser suite shares (run by ../../scripts/e2e.sh): the API as a second client, the
// checks that print what they verified, axe-core, screenshots, the horizontal-scroll check, pages
// that record their errors, Debian's Chromium, and the end of a run that fails on any of them.
//
//   const t = suite("backoffice");
//   const token = await t.login(...MANAGER);
//   const browser = await t.launch();
//   … const page = await t.newPage(browser, t.DESK, "manager"); await t.axe(page, "stock"); …
//   await t.finish(browser, failure);
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
// Evaluated through the DevTools protocol, not as a script tag: works under the SPA's CSP too.
const AXE_SOURCE = readFileSync(require.resolve("axe-core"), "utf8");

export const BASE_URL = (process.env.BASE_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
export const OUT = (process.env.SCREENSHOT_DIR ?? fileURLToPath(new URL("../../artifacts/screenshots/", import.meta.url))).replace(/\/$/, "");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const DESK = { width: 1280, height: 900 };
export const TABLET = { width: 1024, height: 768 };
export const PHONE = { width: 360, height: 780 };
/** The seeded demo accounts (development only), as [email, password]. */
export const DEMO = {
  client: ["client@ocpizza.fr", "client-demo-2026"],
  accueil: ["accueil@ocpizza.fr", "accueil-demo-2026"],
  pizzaiolo: ["pizzaiolo@ocpizza.fr", "pizzaiolo-demo-2026"],
  livreur: ["livreur@ocpizza.fr", "livreur-demo-2026"],
  manager: ["manager@ocpizza.fr", "manager-demo-2026"],
  admin: ["admin@ocpizza.fr", "admin-demo-2026"],
};

mkdirSync(OUT, { recursive: true });

/** The helpers of one suite, named `name` in its messages; it collects axe findings and page problems. */
export function suite(name) {
  const axeFindings = [];
  const pages = [];

  function check(condition, message) {
    if (!condition) throw new Error(`e2e ${name}: ${message}`);
    console.log(`  ok  ${message}`);
  }

  /** A JSON call; any non-2xx answer throws with its body (`raw: true` gives the Response instead). */
  async function api(method, path, { token, body, headers = {}, raw = false } = {}) {
    const response = await fetch(`${BASE_URL}${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body ? { "Content-Type": "application/json" } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (raw) return response;
    const text = await response.text();
    if (!response.ok) throw new Error(`e2e ${name}: ${method} ${path} → ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  async function login(email, password) {
    return (await api("POST", "/api/v1/auth/login", { body: { email, password } })).access_token;
  }

  /** axe-core on the whole page: every finding printed, serious and critical ones fail the suite at the end. */
  async function axe(page, what) {
    if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ["violations"] });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
    });
    const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    for (const v of violations) console.log(`  ${bad.includes(v) ? "!!" : "--"}  axe ${what}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(", ")}`);
    if (bad.length) axeFindings.push(...bad.map((v) => `${what}: ${v.impact} ${v.id} at ${v.nodes.join(", ")}`));
    else console.log(`  ok  axe: no serious or critical violation on ${what}`);
  }

  async function shot(page, file, { fullPage = true } = {}) {
    const path = `${OUT}/${file}.png`;
    await page.screenshot({ path, fullPage });
    console.log(`  📸 ${path}`);
  }

  /** Fails when the page scrolls sideways, naming the innermost elements that stick out. */
  async function noHorizontalScroll(page, what, { scrollsInside = null } = {}) {
    const { overflow, wide } = await page.evaluate((inside) => {
      const limit = document.documentElement.clientWidth;
      // What sticks out inside a box that scrolls by itself (a wide table) is not named.
      const out = (el) => el.getBoundingClientRect().right > limit + 1 && !(inside && el.closest(inside));
      const wide = [...document.querySelectorAll("body *")]
        .filter((el) => out(el) && ![...el.children].some(out))
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}${typeof el.className === "string" && el.className ? `.${el.className.split(" ").join(".")}` : ""} (${Math.round(el.getBoundingClientRect().right)}px)`);
      return { overflow: document.documentElement.scrollWidth - limit, wide };
    }, scrollsInside);
    check(overflow <= 0, `${what}: no horizontal scrolling (overflow ${overflow}px${wide.length ? `; sticking out: ${wide.join(", ")}` : ""})`);
  }

  /**
   * A page in its own context (French, Paris time) that records page errors, console errors and
   * failed responses; `expected(status, url)` names the error answers it is meant to get.
   */
  async function newPage(browser, viewport, who, { expected = () => false, bypassCSP = false } = {}) {
    const context = await browser.newContext({ viewport, locale: "fr-FR", timezoneId: "Europe/Paris", bypassCSP, hasTouch: viewport.width < 1100 });
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (error) => problems.push(`${who}: page error: ${error.message}`));
    page.on("console", (message) => {
      // Failed requests are judged by the response listener below.
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) problems.push(`${who}: console: ${message.text()}`);
    });
    page.on("response", (response) => {
      if (response.status() >= 400 && !expected(response.status(), response.url())) problems.push(`${who}: HTTP ${response.status()} ${response.url()}`);
    });
    page.on("dialog", (dialog) => void dialog.accept());
    pages.push({ page, problems, who });
    return page;
  }

  async function uiLogin(page, email, password) {
    await page.goto(`${BASE_URL}/login`);
    await page.getByLabel("Adresse e-mail").fill(email);
    await page.getByLabel("Mot de passe").fill(password);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL((url) => !url.pathname.endsWith("/login"));
  }

  async function launch() {
    return chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  }

  /**
   * Closes the browser and ends the run: a failure (the error a scenario threw, if any) leaves a
   * screenshot of every open page; any failure, page problem or axe finding exits with 1.
   */
  async function finish(browser, failure) {
    if (failure) {
      console.error(failure);
      for (const { page, who } of pages) await page.screenshot({ path: `${OUT}/${name}-failure-${who}.png`, fullPage: true }).catch(() => undefined);
    }
    await browser.close();
    const problems = pages.flatMap((p) => p.problems);
    for (const p of problems) console.error(`  !!  ${p}`);
    for (const f of axeFindings) console.error(`  !!  axe ${f}`);
    if (failure || problems.length || axeFindings.length) {
      console.error(`e2e ${name}: failed`);
      process.exit(1);
    }
    console.log(`e2e ${name}: all passed`);
  }

  return { check, api, login, axe, axeFindings, shot, noHorizontalScroll, newPage, uiLogin, launch, finish };
}
