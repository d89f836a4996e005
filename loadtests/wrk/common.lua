-- Shared by batch.lua and single.lua (wrk loads one script; they `dofile` this one).
-- Each wrk thread has its own Lua state: setup() hands every thread a distinct number, and the
-- run prefix (time + random) keeps ids unique across runs against the same data directory, so
-- the server stores every event (a resent id would be a cheap duplicate and flatter the numbers).

local M = {}

local key = os.getenv("UPLIFT_WRITE_KEY")
if key == nil or key == "" then
   io.stderr:write("set UPLIFT_WRITE_KEY to a write key (upw_...)\n")
   os.exit(2)
end
M.headers = {
   ["Authorization"] = "Bearer " .. key,
   ["Content-Type"] = "application/json",
}

local threads = 0
function M.setup(thread)
   threads = threads + 1
   thread:set("thread_number", threads)
end

math.randomseed(os.time())
M.run = string.format("%x%04x", os.time(), math.random(0, 0xffff))

local events = { "Page Viewed", "Signed Up", "Button Clicked", "Checkout Started", "Order Completed" }

-- One Segment track message with the given id; the user and event vary so the store sees
-- realistic dictionaries rather than one repeated row.
function M.message(id, n)
   return '{"type":"track","messageId":"' .. id .. '","event":"' .. events[n % 5 + 1]
      .. '","userId":"user-' .. (n % 100000)
      .. '","properties":{"plan":"pro","amount":' .. (n % 97)
      .. ',"path":"/pricing"},"context":{"library":{"name":"wrk","version":"1"}}}'
end

return M
