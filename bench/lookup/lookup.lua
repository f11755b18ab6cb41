-- wrk script for bench/load/lookup.sh: GET /api/v1/numbers/{number} with a
-- random number per request, the same for Quell and for nginx.
--
--   wrk -t1 -c64 -d10s --latency -s bench/lookup/lookup.lua URL -- NUMBERS_FILE KEY
--
-- NUMBERS_FILE holds E.164 numbers in lines of exactly 15 bytes
-- ("+8613800138000\n", as `reputation_tool numbers` writes them), read into
-- one malloc'd buffer outside Lua's heap (through LuaJIT's FFI): a request takes
-- line r with one ffi.string. Held as one 167 MB Lua string instead, the file
-- made wrk stall for ~100 ms at a time (LuaJIT's collector paces its cycles by
-- the heap's size): p99 97 ms against nginx, against 1.2 ms now and 1.6 ms
-- with a 1,000-number file. 10^7 numbers cost 167 MB per wrk thread. KEY goes in the
-- Authorization header (Bearer). Every response is checked: status 200 and a
-- body holding "number". done() prints one line the script parses,
--   LOOKUP checked=N non2xx=N bad_body=N
-- and, on any failure, the first one (status and body) on stderr.
local threads = {}
local line_bytes = 15

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

checked = 0
non2xx = 0
bad_body = 0
first_failure = ""

local ffi = require("ffi")
ffi.cdef [[
  void* malloc(size_t size);
  typedef struct FILE FILE;
  FILE* fopen(const char* path, const char* mode);
  size_t fread(void* ptr, size_t size, size_t n, FILE* f);
  int fclose(FILE* f);
]]
local numbers, count, path_prefix

function init(args)
  local file = assert(args[1], "usage: -- NUMBERS_FILE [KEY]")
  local f = assert(io.open(file, "rb"))
  local bytes = f:seek("end")
  f:close()
  assert(bytes > 0 and bytes % line_bytes == 0,
         file .. ": expected lines of " .. line_bytes .. " bytes (+8613800138000)")
  numbers = ffi.cast("char*", ffi.C.malloc(bytes))  -- never freed: wrk's lifetime
  local cf = ffi.C.fopen(file, "rb")
  assert(cf ~= nil and ffi.C.fread(numbers, 1, bytes, cf) == bytes, file .. ": cannot read")
  ffi.C.fclose(cf)
  count = bytes / line_bytes
  local key = args[2] or ""
  if key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
  path_prefix = "/api/v1/numbers/"
  math.randomseed(os.time() + 7919 * (tid or 1))
end

function request()
  local at = math.random(0, count - 1) * line_bytes
  return wrk.format("GET", path_prefix .. ffi.string(numbers + at, line_bytes - 1))
end

local function fail(kind, status, body)
  if first_failure == "" then
    first_failure = kind .. ": status " .. status .. ", body " .. string.sub(body or "", 1, 300)
  end
end

function response(status, headers, body)
  checked = checked + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    fail("non-2xx", status, body)
  elseif status ~= 200 or not body:find('"number"', 1, true) then
    bad_body = bad_body + 1
    fail("body without \"number\"", status, body)
  end
end

function done(summary, latency, requests)
  local c, n, b, first = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    c = c + (tonumber(t:get("checked")) or 0)
    n = n + (tonumber(t:get("non2xx")) or 0)
    b = b + (tonumber(t:get("bad_body")) or 0)
    if first == "" then first = t:get("first_failure") or "" end
  end
  io.write(string.format("LOOKUP checked=%d non2xx=%d bad_body=%d\n", c, n, b))
  if n + b > 0 then
    io.stderr:write(string.format("LOOKUP FAILED: %d non-2xx, %d bad bodies; first %s\n", n, b, first))
  end
end
