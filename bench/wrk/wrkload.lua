-- wrk script for bench/wrkload.py: GET requests with Accept and User-Agent headers, the
-- same request again and again (warm) or every request different (cold: a counter in a
-- trailing SPARQL comment, like bench/run.py's cold_suffix), and one machine-readable
-- JSON line from done().
--
-- Parameters come from the environment (set by wrkload.py):
--   WRKLOAD_TARGET       path and query string, e.g. /sparql?query=ASK%20%7B%7D
--   WRKLOAD_HOST         Host header value (host:port)
--   WRKLOAD_ACCEPT       Accept header value
--   WRKLOAD_COLD_BEFORE  cold cells: percent-encoded text appended to the target before
--   WRKLOAD_COLD_AFTER   the counter, and after it; unset or empty for warm cells
--   WRKLOAD_CONNECTIONS  wrk's -c, to undo its latency correction in done()
--
-- Latency: wrk "corrects" its histogram for coordinated omission before done() (it adds
-- synthetic samples for every response slower than twice the mean interval between
-- requests on a connection). done() reads the histogram itself through LuaJIT's FFI and
-- removes those samples again, so the percentiles are those of the measured requests,
-- like bench/loadgen.py's. When the histogram cannot be read it reports wrk's own.

local target = os.getenv("WRKLOAD_TARGET") or "/"
local host = os.getenv("WRKLOAD_HOST") or wrk.host
local accept = os.getenv("WRKLOAD_ACCEPT") or "*/*"
local before = os.getenv("WRKLOAD_COLD_BEFORE") or ""
local after = os.getenv("WRKLOAD_COLD_AFTER") or ""
local cold = before ~= ""

local head = "GET " .. target .. before
local tail = after .. " HTTP/1.1\r\nHost: " .. host .. "\r\nAccept: " .. accept
   .. "\r\nUser-Agent: fdigraph-bench\r\n\r\n"

built = 0 -- requests made by request() in this thread (read by done() through setup())

if cold then
   function request()
      local n = built
      built = n + 1
      return head .. n .. tail
   end
else
   -- warm: no request() function, so wrk sends the request wrk.format() makes once in
   -- its init, after ours
   function init(args)
      wrk.path = target
      wrk.headers = { ["Host"] = host, ["Accept"] = accept, ["User-Agent"] = "fdigraph-bench" }
   end
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

-- The histogram behind wrk's latency statistics (src/stats.h of wrk 4.x):
-- struct { uint64_t count, limit, min, max; uint64_t data[]; }, one bucket per µs.
local function raw_histogram(latency, duration, requests, connections)
   local ok, ffi = pcall(require, "ffi")
   if not ok then
      return nil, "no ffi"
   end
   local ok2, s = pcall(function()
      return ffi.cast("uint64_t **", ffi.cast("void *", latency))[0]
   end)
   if not ok2 or s == nil then
      return nil, "no stats pointer"
   end
   local count, limit = tonumber(s[0]), tonumber(s[1])
   local min, max = tonumber(s[2]), tonumber(s[3])
   if count == 0 then
      return { n = 0, added = 0 }
   end
   if min ~= latency.min or max ~= latency.max or max >= limit then
      return nil, "histogram layout not recognised"
   end
   local data = s + 4
   local total = 0
   for i = min, max do
      total = total + tonumber(data[i])
   end
   if total ~= count then
      return nil, "histogram counts do not add up"
   end
   -- stats_correct(latency, E), E = duration / (requests / connections) in integer
   -- arithmetic, added corrected[m] += original[m + kE] for every k >= 1 and m > E, so
   -- original[m] = corrected[m] - corrected[m + E] for m > E, corrected[m] otherwise.
   local e = 0
   local per = math.floor(requests / connections)
   if per > 0 then
      e = math.floor(duration / per)
   end
   local function original(m)
      local c = tonumber(data[m])
      if e > 0 and m > e and m + e <= max then
         c = c - tonumber(data[m + e])
      end
      return c
   end
   local n, sum, lo, hi = 0, 0, nil, nil
   for m = min, max do
      local c = original(m)
      if c < 0 then
         return nil, "negative bucket after undoing the correction"
      end
      if c > 0 then
         n = n + c
         sum = sum + c * m
         lo = lo or m
         hi = m
      end
   end
   local h = { n = n, added = count - n, mean = n > 0 and sum / n or 0, min = lo, max = hi }
   -- nearest-rank percentiles
   local wanted = { { "p50", 50 }, { "p90", 90 }, { "p99", 99 }, { "p999", 99.9 } }
   local ranks = {}
   for i, w in ipairs(wanted) do
      ranks[i] = math.max(1, math.min(n, math.ceil(w[2] / 100 * n - 1e-9)))
   end
   local cum, j = 0, 1
   for m = min, max do
      if j > #wanted then
         break
      end
      cum = cum + original(m)
      while j <= #wanted and cum >= ranks[j] do
         h[wanted[j][1]] = m
         j = j + 1
      end
   end
   return h
end

local function num(x)
   return string.format("%.0f", x or 0)
end

function done(summary, latency, requests)
   local connections = tonumber(os.getenv("WRKLOAD_CONNECTIONS") or "1")
   local h, why = raw_histogram(latency, summary.duration, summary.requests, connections)
   local source = "raw"
   if h == nil then
      source = "wrk-corrected (" .. why .. ")"
      h = {
         n = summary.requests,
         added = 0,
         mean = latency.mean,
         min = latency.min,
         max = latency.max,
         p50 = latency:percentile(50),
         p90 = latency:percentile(90),
         p99 = latency:percentile(99),
         p999 = latency:percentile(99.9),
      }
   end
   local made = 0
   for _, t in ipairs(threads) do
      made = made + (t:get("built") or 0)
   end
   local e = summary.errors
   io.write(string.format(
      'WRKLOAD {"requests": %s, "duration_us": %s, "bytes": %s, '
         .. '"errors": {"connect": %s, "read": %s, "write": %s, "status": %s, "timeout": %s}, '
         .. '"latency_us": {"n": %s, "mean": %.1f, "min": %s, "p50": %s, "p90": %s, '
         .. '"p99": %s, "p999": %s, "max": %s, "added_by_wrk": %s}, '
         .. '"latency_source": "%s", "cold": %s, "built": %s}\n',
      num(summary.requests), num(summary.duration), num(summary.bytes),
      num(e.connect), num(e.read), num(e.write), num(e.status), num(e.timeout),
      num(h.n), h.mean or 0, num(h.min), num(h.p50), num(h.p90), num(h.p99), num(h.p999),
      num(h.max), num(h.added), source, cold and "true" or "false", num(made)))
end
