-- wrk script: send the requests of a file, each one exactly once.
--
--   wrk -t1 -c50 -d5s --timeout 10s -s bench/wrk_requests.lua http://HOST:PORT -- FILE THREADS
--
-- FILE holds one request per line, "METHOD\tPATH\tX-Hub-Signature-256\tJSON body" (the last
-- two may be empty; bench/_generators.py writes it, bench/_http_loadgen.py reads it too).
-- Thread i of THREADS takes every THREADS-th line starting at i, so no webhook is sent twice:
-- a repeated wamid would be a cheaper duplicate, not the load we mean to measure. A thread
-- whose share runs out stops and is reported as exhausted (requests/s are then a lower bound).
-- `done` prints one line, "BENCH_JSON {...}", with the Python generator's report fields.

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local nthreads = tonumber(args[2])
  requests = {}
  local line_no = 0
  -- Formatting every request up front keeps the Lua work per request to a table lookup.
  for line in io.lines(args[1]) do
    if line_no % nthreads == tid then
      local method, path, signature, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {}
      if signature ~= "" then
        headers["X-Hub-Signature-256"] = signature
      end
      if body == "" then
        body = nil
      else
        headers["Content-Type"] = "application/json"
      end
      requests[#requests + 1] = wrk.format(method, path, headers, body)
    end
    line_no = line_no + 1
  end
  next_index = 0
  exhausted = false
end

function request()
  next_index = next_index + 1
  if next_index > #requests then
    exhausted = true
    wrk.thread:stop()
    next_index = #requests
  end
  return requests[next_index]
end

function done(summary, latency, _)
  local exhausted_threads = 0
  for _, thread in ipairs(threads) do
    if thread:get("exhausted") then
      exhausted_threads = exhausted_threads + 1
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"p50":%d,"p95":%d,"p99":%d,"max":%d,"mean":%.1f},'
      .. '"exhausted":%s}\n',
    summary.requests, summary.duration,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean,
    tostring(exhausted_threads > 0)
  ))
end
