-- wrk script for bench/feedback_load.sh: POSTs valid feedback at a paced rate from many client
-- addresses (X-Forwarded-For; the server runs with --trust-forwarded-for) so the per-client
-- rate limit applies as it would to real readers, and counts responses by status.
local pages = { "/connect/senders/", "/reserve/bookings/", "/identity/sso/", "/faq/", "/getting-help/" }
local answers = { "yes", "no", "already-read" }
local threads = {}
local counter = 0
id = 0 -- set per thread by setup()

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  -- Per-connection pause (ms) between requests, from the target rate.
  delay_ms = tonumber(args[1]) or 0
  created, failed = 0, 0
end

function delay()
  return delay_ms
end

function request()
  counter = counter + 1
  local n = id * 100000 + counter
  local body = string.format('{"page":"%s","answer":"%s"}', pages[n % #pages + 1], answers[n % #answers + 1])
  local ip = string.format("10.%d.%d.%d", id, math.floor(counter / 250) % 20, counter % 250 + 1)
  return wrk.format("POST", "/api/feedback", {
    ["Content-Type"] = "application/json",
    ["Origin"] = "https://support.divergent.cloud",
    ["X-Forwarded-For"] = ip,
  }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else failed = failed + 1 end
end

function done(summary, latency, requests)
  local c, f = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    f = f + t:get("failed")
  end
  local e = summary.errors
  io.write(string.format("WRK requests=%d created=%d other_status=%d socket_errors=%d duration_s=%.2f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, c, f, e.connect + e.read + e.write + e.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
