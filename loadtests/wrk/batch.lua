-- wrk -s loadtests/wrk/batch.lua: POST /v1/batch with 100 Segment track messages per request,
-- every messageId unique (generated here per request).
--   UPLIFT_WRITE_KEY=upw_... wrk -t2 -c64 -d15s -s loadtests/wrk/batch.lua http://127.0.0.1:PORT
-- UPLIFT_BATCH_SIZE overrides the 100.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local size = tonumber(os.getenv("UPLIFT_BATCH_SIZE") or "100")
local counter = 0
local prefix

function setup(thread) common.setup(thread) end

function init(args)
   prefix = common.run .. "-b" .. tostring(thread_number or 0) .. "-"
end

function request()
   local parts = {}
   for i = 1, size do
      counter = counter + 1
      parts[i] = common.message(prefix .. counter, counter)
   end
   local body = '{"batch":[' .. table.concat(parts, ",") .. ']}'
   return wrk.format("POST", "/v1/batch", common.headers, body)
end
