// Checks that imports between the folders of src/ run one way (see README, "Layout"): each folder
// may import only the folders listed before it, so the import graph between folders has no
// circle. Test files are held to the same rule, test/ (fixtures) aside. Prints each wrong import
// and exits 1; `--graph` also prints who imports whom.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

// Lowest first. api/, i18n/ and ui/ are the ground floor; then the business areas; app/ on top.
const LAYERS = ["i18n", "api", "ui", "shops", "addresses", "accounts", "cart", "catalog", "orders", "staff", "app"];
// The entry point, which may import anything, and the test helpers, which tests may import.
const FREE = new Set(["main.tsx", "vite-env.d.ts", "test"]);
const isTest = (path) => /\.test\.tsx?$/.test(path);

const src = resolve(dirname(fileURLToPath(import.meta.url)), "../src");

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

const folderOf = (path) => relative(src, path).split("/")[0];
const IMPORT = /^\s*(?:import|export)\b[^'"]*?from\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm;

const problems = [];
const edges = new Map();
for (const file of files(src)) {
  const from = folderOf(file);
  if (FREE.has(from)) continue;
  const text = readFileSync(file, "utf8");
  for (const match of text.matchAll(IMPORT)) {
    const target = match[1] ?? match[2];
    if (!target.startsWith(".")) continue;
    const to = folderOf(resolve(dirname(file), target));
    if (to === from || (to === "test" && isTest(file))) continue;
    const key = `${from} -> ${to}`;
    edges.set(key, (edges.get(key) ?? 0) + 1);
    const fromRank = LAYERS.indexOf(from);
    const toRank = LAYERS.indexOf(to);
    if (fromRank === -1 || toRank === -1 || toRank >= fromRank || FREE.has(to)) {
      problems.push(`${relative(src, file)} imports ${target} (${key})`);
    }
  }
}

if (process.argv.includes("--graph")) {
  for (const [key, count] of [...edges].sort()) console.log(`${key} (${count})`);
}
if (problems.length) {
  console.error(`Imports against the layers ${LAYERS.join(" < ")}:`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(`imports run one way: ${LAYERS.join(" < ")}`);
