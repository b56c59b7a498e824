// What the suites around `helpsite feedback serve` share: the serve fixture copied to a temp dir
// and built twice into sites served on 127.0.0.1 — one without a feedback endpoint, one naming
// the real `helpsite feedback serve` (started over a ledger in the site root) — and a page
// that records every console error, page error, failed request, HTTP error and request to
// another host (those are blocked).
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repo, bin, chromiumPath } from "./env.mjs";
import { serve } from "./server.mjs";

export function helpsite(...args) {
  return execFileSync(bin, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * Builds the fixture (after `prepare(root)`) into `plain` (no endpoint) and `withEndpoint`
 * (the real feedback service's URL in `feedback.endpoint`, accepting the origin of base_url).
 * Resolves to {tmp, root, plain, withEndpoint, endpoint, log(), stop()}; `stop()` stops it all
 * and resolves to the feedback service's log once it exited cleanly.
 */
export async function feedbackSites(prefix, prepare = () => {}) {
  assert.ok(existsSync(bin), `no helpsite binary at ${bin}: run \`cargo build\` first`);
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: apt-get install -y chromium`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), prefix));
  const root = path.join(tmp, "site");
  cpSync(path.join(repo, "tests", "fixtures", "serve"), root, { recursive: true });
  prepare(root);
  const writeConfig = (baseUrl, endpointUrl) => {
    const original = readFileSync(path.join(repo, "tests", "fixtures", "serve", "site.yaml"), "utf8");
    let yaml = original.replace(/^base_url: .*$/m, `base_url: ${baseUrl}/`);
    assert.notEqual(yaml, original, "the fixture's site.yaml sets base_url");
    if (endpointUrl) yaml += `feedback:\n  endpoint: ${endpointUrl}\n`;
    writeFileSync(path.join(root, "site.yaml"), yaml);
  };

  const plainDir = path.join(tmp, "public-plain");
  const plain = await serve(plainDir);
  writeConfig(plain.url);
  helpsite("build", "--root", root, "--out", plainDir);

  // The service needs the page manifest, which does not depend on the endpoint, so it starts
  // before the build that names it.
  const endpointDir = path.join(tmp, "public-endpoint");
  const withEndpoint = await serve(endpointDir);
  writeConfig(withEndpoint.url);
  let log = "";
  const manifest = path.join(plainDir, "_helpsite", "pages.json");
  const service = spawn(bin, ["feedback", "--root", root, "--manifest", manifest, "serve", "--port", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`feedback serve did not start:\n${log}`)), 30000);
    service.stderr.on("data", (chunk) => {
      log += chunk;
      const m = log.match(/feedback endpoint on (http:\/\/127\.0\.0\.1:\d+\/api\/feedback)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    service.on("exit", (code) => reject(new Error(`feedback serve exited with ${code}:\n${log}`)));
  });
  writeConfig(withEndpoint.url, endpoint);
  helpsite("build", "--root", root, "--out", endpointDir);

  const stop = async () => {
    await plain.close();
    await withEndpoint.close();
    if (service.exitCode === null) {
      const exited = new Promise((resolve) => service.on("exit", (code) => resolve(code)));
      service.kill("SIGINT");
      assert.equal(await exited, 0, `feedback serve must stop cleanly:\n${log}`);
    }
    rmSync(tmp, { recursive: true, force: true });
    return log;
  };
  return { tmp, root, plain, withEndpoint, endpoint, log: () => log, stop };
}

/**
 * A new context and page that record problems and block requests to other hosts; `expected(url)`
 * names failed requests that are part of the test (a `mailto:` handed to the system).
 */
export async function watchedPage(browser, options, expected = () => false) {
  const context = await browser.newContext(options);
  const problems = [];
  const offHost = [];
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.hostname !== "127.0.0.1") {
      offHost.push(u.href);
      return route.abort("blockedbyclient");
    }
    return route.continue();
  });
  const page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    if (!expected(r.url())) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} for ${r.url()}`));
  return { context, page, problems, offHost };
}
