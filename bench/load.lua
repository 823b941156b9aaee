-- wrk's script for bench/_wrk.py: send the prepared requests of one load.
--
-- wrk -s load.lua URL -- FILE MODE: FILE holds requests as "<length>\n<bytes>",
-- already formatted (cookies, CSRF token, X-Forwarded-For, body); MODE "cycle"
-- sends them over and over, "once" each at most once (a code can be spent only
-- once), flagging the load as exhausted if they run out. Counts the answers by
-- status and prints one line, "wrk-result {json}", for the bench to read.

local requests, cursor, cycle = {}, 0, false
statuses, sent, exhausted = {}, 0, false

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local data = file:read("*a")
  file:close()
  local at = 1
  while at <= #data do
    local newline = data:find("\n", at, true)
    local length = tonumber(data:sub(at, newline - 1))
    requests[#requests + 1] = data:sub(newline + 1, newline + length)
    at = newline + length + 1
  end
  cycle = args[2] == "cycle"
end

function request()
  cursor = cursor + 1
  if cursor > #requests then
    if cycle then
      cursor = 1
    else
      exhausted = true
      wrk.thread:stop()
      cursor = #requests
    end
  end
  sent = sent + 1
  return requests[cursor]
end

function response(status)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary)
  local counts, total_sent, out_of_requests = {}, 0, false
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + count
    end
    total_sent = total_sent + thread:get("sent")
    out_of_requests = out_of_requests or thread:get("exhausted")
  end
  local parts = {}
  for status, count in pairs(counts) do
    parts[#parts + 1] = string.format('"%s": %d', status, count)
  end
  local errors = summary.errors
  io.write(string.format(
    'wrk-result {"requests": %d, "seconds": %.6f, "sent": %d, "exhausted": %s, '
      .. '"statuses": {%s}, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, total_sent, tostring(out_of_requests),
    table.concat(parts, ", "),
    errors.connect + errors.read + errors.write + errors.timeout))
end
