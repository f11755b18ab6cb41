-- wrk script for bench/load/shaken.sh. MODE (environment) picks the request:
--   verify    Quell POST /stir/v1/verification, identities from IDS_FILE
--   check     secsipidx POST /v1/check, identities from IDS_FILE
--   sign      Quell POST /stir/v1/signing, fresh iat and a distinct origid each
--   sign-csv  secsipidx POST /v1/sign-csv, the same fields as CSV
-- Identities are cycled through (each thread from its own offset), so with
-- IDS_FILE holding more lines than requests in a run no PASSporT is seen twice
-- (Quell flags a replay). verify counts TN-Validation-Passed answers: a 200
-- that is not a pass (replay, stale...) is reported as "failed", not hidden.
local mode = os.getenv("MODE") or "verify"
local orig = os.getenv("ORIG") or "8613800138000"
local dest = os.getenv("DEST") or "8613900139000"
local x5u = os.getenv("X5U") or ""
local key = os.getenv("API_KEY") or ""

local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local ids = {}
local n = 0
local pos = 0
passed = 0
failed = 0

function init(args)
  if mode == "verify" or mode == "check" then
    local f = assert(io.open(os.getenv("IDS_FILE"), "r"))
    for line in f:lines() do
      if #line > 0 then n = n + 1; ids[n] = line end
    end
    f:close()
    assert(n > 0, "no identities in IDS_FILE")
    -- Threads start far apart in the list.
    pos = math.floor((n * ((tid or 1) - 1)) / 8)
  end
  wrk.method = "POST"
  if mode == "verify" or mode == "sign" then
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Authorization"] = "Bearer " .. key
  else
    wrk.headers["Content-Type"] = "text/plain"
  end
end

local function next_id()
  pos = pos + 1
  if pos > n then pos = 1 end
  return ids[pos]
end

local function uuid()
  counter = counter + 1
  return string.format("%08x-%04x-4000-8000-%012x", math.random(0, 0x7fffffff), tid or 1, counter)
end

function request()
  local body
  if mode == "verify" then
    body = string.format('{"verificationRequest":{"from":{"tn":"%s"},"to":{"tn":["%s"]},"time":%d,"identity":"%s"}}',
                         orig, dest, os.time(), next_id())
  elseif mode == "check" then
    body = next_id()
  elseif mode == "sign" then
    body = string.format('{"signingRequest":{"attest":"A","dest":{"tn":["%s"]},"iat":%d,"orig":{"tn":"%s"},"origid":"%s"}}',
                         dest, os.time(), orig, uuid())
  else
    body = string.format("%s,%s,A,%s,%s", orig, dest, uuid(), x5u)
  end
  return wrk.format(nil, nil, nil, body)
end

if mode == "verify" then
  function response(status, headers, body)
    if status == 200 and body:find("TN-Validation-Passed", 1, true) then
      passed = passed + 1
    else
      failed = failed + 1
      if failed <= 1 then io.stderr:write("first non-pass: " .. status .. " " .. body .. "\n") end
    end
  end
end

function done(summary, latency, requests)
  local p, f = 0, 0
  for _, t in ipairs(threads) do
    p = p + (tonumber(t:get("passed")) or 0)
    f = f + (tonumber(t:get("failed")) or 0)
  end
  io.write(string.format("PASSED %d FAILED %d\n", p, f))
end
