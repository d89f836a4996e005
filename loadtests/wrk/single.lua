-- wrk -s loadtests/wrk/single.lua: POST /v1/track with one Segment track message per request,
-- its messageId unique (generated here per request).
--   UPLIFT_WRITE_KEY=upw_... wrk -t2 -c64 -d15s -s loadtests/wrk/single.lua http://127.0.0.1:PORT
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local counter = 0
local prefix

function setup(thread) common.setup(thread) end

function init(args)
   prefix = common.run .. "-s" .. tostring(thread_number or 0) .. "-"
end

function request()
   counter = counter + 1
   return wrk.format("POST", "/v1/track", common.headers, common.message(prefix .. counter, counter))
end
