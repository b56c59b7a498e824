// What every browser suite shares: where the repository, the helpsite binary, Chromium and the
// screenshots are (each overridable by environment), how Chromium is launched, the two
// viewports, and starting `helpsite serve` on a free port.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const bin = path.resolve(process.env.HELPSITE_BIN ?? path.join(repo, "target", "debug", "helpsite"));
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const shotsDir = path.resolve(process.env.HELPSITE_SCREENSHOTS ?? path.join(repo, "target", "screenshots"));
// No first-run, sync, component or background traffic: the tests see every request a page makes.
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
export const DESKTOP = { viewport: { width: 1280, height: 900 } };

// Starts `helpsite serve` on `root` with a free port; resolves to { server, base, log() } once
// it prints its address. Rejects with everything it printed if it exits or takes a minute.
export function startPreview(root) {
  const server = spawn(bin, ["serve", "--root", root, "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 60000);
    server.stderr.on("data", (chunk) => {
      log += chunk;
      const m = log.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve({ server, base: m[1], log: () => log });
      }
    });
    server.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
}
